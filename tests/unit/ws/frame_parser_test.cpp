// The frame parser is fed whole, byte by byte and cut at every offset: the events (and
// the payload bytes, unmasked) must not depend on the cuts. The byte strings of the
// RFC 6455 §5.7 examples are used as they are printed there.
#include "core/ws/frame_parser.hpp"

#include <gtest/gtest.h>

#include "core/ws/frame_encoder.hpp"
#include "tests/unit/ws/ws_test_support.hpp"

namespace flowscope::ws {
namespace {

using test::bytes;
using test::expect_frames;
using test::frame_lines;
using test::kDeflate;
using test::kFromClient;
using test::kFromServer;
using test::kPlain;

constexpr MaskKey kRfcKey = {0x37, 0xfa, 0x21, 0x3d};

// Payload bytes that show where each one came from: a cut or mask offset off by one
// changes them.
std::string pattern(std::size_t size) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<char>('a' + (i * 7 + i / 26) % 26);
  return out;
}

FrameOptions masked(MaskKey key = kRfcKey) {
  FrameOptions options;
  options.mask = key;
  return options;
}

// The message of the protocol error that parsing `input` ends with.
std::string error_of(Direction from, FrameParserOptions options, const std::string& input) {
  FrameParser parser(from, options);
  parser.feed(input);
  return parser.error() ? parser.error()->message : "(no error)";
}

TEST(FrameParser, RfcSingleFrameUnmaskedText) {
  expect_frames(kFromServer, kPlain, bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}),
                {"header text fin len=5/7 size=2 at=0", "payload Hello", "end"});
}

TEST(FrameParser, RfcSingleFrameMaskedTextIsUnmasked) {
  expect_frames(kFromClient, kPlain,
                bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}),
                {"header text fin masked len=5/7 size=6 at=0", "payload Hello", "end"});
}

TEST(FrameParser, RfcFragmentedUnmaskedText) {
  expect_frames(kFromServer, kPlain, bytes({0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f}),
                {"header text more len=3/7 size=2 at=0", "payload Hel", "end",
                 "header continuation fin len=2/7 size=2 at=5", "payload lo", "end"});
}

TEST(FrameParser, RfcPingAndMaskedPongCarryTheirPayloadAtTheEnd) {
  expect_frames(kFromServer, kPlain, bytes({0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}),
                {"header ping fin len=5/7 size=2 at=0", "payload Hello", "end Hello"});
  expect_frames(kFromClient, kPlain,
                bytes({0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}),
                {"header pong fin masked len=5/7 size=6 at=0", "payload Hello", "end Hello"});
}

TEST(FrameParser, RfcExtendedLengthHeaders) {
  // 256 bytes in one unmasked frame: 0x82 0x7E 0x0100; 64 KiB: 0x82 0x7F 0x...010000.
  const std::string p256 = pattern(256);
  expect_frames(kFromServer, kPlain, bytes({0x82, 0x7e, 0x01, 0x00}) + p256,
                {"header binary fin len=256/16 size=4 at=0", "payload " + p256, "end"});
  const std::string p64k = pattern(65536);
  expect_frames(kFromServer, kPlain,
                bytes({0x82, 0x7f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00}) + p64k,
                {"header binary fin len=65536/64 size=10 at=0", "payload " + p64k, "end"});
}

// Every boundary of the three length forms, masked and not.
class LengthForms : public ::testing::TestWithParam<std::tuple<std::size_t, bool>> {};

TEST_P(LengthForms, HeaderAndPayloadAtEveryCut) {
  const auto [length, mask] = GetParam();
  const std::string payload = pattern(length);
  const std::string frame =
      encode_frame(Opcode::kBinary, payload, mask ? masked() : FrameOptions{});
  const char* form = length <= 125 ? "7" : length <= 65535 ? "16" : "64";
  const std::size_t header_size = (length <= 125 ? 2 : length <= 65535 ? 4 : 10) + (mask ? 4 : 0);
  ASSERT_EQ(frame.size(), header_size + length);
  std::vector<std::string> expected = {"header binary fin" + std::string(mask ? " masked" : "") +
                                       " len=" + std::to_string(length) + "/" + form +
                                       " size=" + std::to_string(header_size) + " at=0"};
  if (length > 0) expected.push_back("payload " + payload);
  expected.push_back("end");
  expect_frames(mask ? kFromClient : kFromServer, kPlain, frame, expected);
}

INSTANTIATE_TEST_SUITE_P(Boundaries, LengthForms,
                         ::testing::Combine(::testing::Values(0, 1, 125, 126, 127, 65535, 65536,
                                                              70000),
                                            ::testing::Bool()));

TEST(FrameParser, NonMinimalLengthEncodingsAreAccepted) {
  FrameOptions wide16;
  wide16.min_length_form = LengthForm::k16Bit;
  FrameOptions wide64;
  wide64.min_length_form = LengthForm::k64Bit;
  expect_frames(kFromServer, kPlain, encode_frame(Opcode::kText, "abc", wide16),
                {"header text fin len=3/16 size=4 at=0", "payload abc", "end"});
  expect_frames(kFromServer, kPlain, encode_frame(Opcode::kText, "abc", wide64),
                {"header text fin len=3/64 size=10 at=0", "payload abc", "end"});
  // A control frame's limit is on its length, not its length form.
  expect_frames(kFromServer, kPlain, encode_frame(Opcode::kPing, "hi", wide64),
                {"header ping fin len=2/64 size=10 at=0", "payload hi", "end hi"});
}

TEST(FrameParser, SeveralFramesInOneFeedKeepTheirOffsetsAndViews) {
  // Both masked payloads come from one feed; their views must both still hold.
  const std::string input = encode_frame(Opcode::kText, "first", masked()) +
                            encode_frame(Opcode::kBinary, "", masked({1, 2, 3, 4})) +
                            encode_frame(Opcode::kText, "second", masked({9, 8, 7, 6}));
  expect_frames(kFromClient, kPlain, input,
                {"header text fin masked len=5/7 size=6 at=0", "payload first", "end",
                 "header binary fin masked len=0/7 size=6 at=11", "end",
                 "header text fin masked len=6/7 size=6 at=17", "payload second", "end"});
}

TEST(FrameParser, HugeFrameStreamsWithoutBeingBuffered) {
  // A 1 TiB frame: the header parses, and every piece fed comes out at once as one
  // unmasked piece of the same size, so nothing waits for the rest of the payload.
  const std::uint64_t length = std::uint64_t{1} << 40;
  const MaskKey key = {0xa1, 0xb2, 0xc3, 0xd4};
  FrameOptions options = masked(key);
  FrameParser parser(kFromClient);
  auto events = parser.feed(encode_frame_header(Opcode::kBinary, length, options));
  ASSERT_EQ(events.size(), 1u);
  const auto& header = std::get<FrameHeader>(events[0]);
  EXPECT_EQ(header.payload_length, length);
  EXPECT_EQ(header.length_form, LengthForm::k64Bit);
  EXPECT_EQ(header.header_size, 14);
  EXPECT_EQ(header.mask_key, key);
  EXPECT_TRUE(parser.in_frame());

  std::string plain(64 * 1024 + 3, '\0');  // odd size: each piece starts mid-key
  std::uint64_t sent = 0;
  for (int round = 0; round < 64; ++round) {
    for (std::size_t i = 0; i < plain.size(); ++i) plain[i] = static_cast<char>((round + i) % 251);
    std::string wire = plain;
    for (std::size_t i = 0; i < wire.size(); ++i)
      wire[i] = static_cast<char>(wire[i] ^ key[(sent + i) % 4]);
    sent += wire.size();
    events = parser.feed(wire);
    ASSERT_EQ(events.size(), 1u) << "round " << round;
    ASSERT_EQ(std::get<FramePayload>(events[0]).data, plain) << "round " << round;
  }
  EXPECT_TRUE(parser.in_frame());
  EXPECT_FALSE(parser.failed());
  EXPECT_EQ(parser.bytes_fed(), 14 + sent);
}

TEST(FrameParser, LargestLengthIsAcceptedAndTheMostSignificantBitIsAnError) {
  const std::uint64_t largest = (std::uint64_t{1} << 63) - 1;
  expect_frames(kFromServer, kPlain, encode_frame_header(Opcode::kBinary, largest),
                {"header binary fin len=9223372036854775807/64 size=10 at=0"});
  for (std::uint64_t bad : {std::uint64_t{1} << 63, ~std::uint64_t{0}}) {
    SCOPED_TRACE(bad);
    const std::string header = encode_frame_header(Opcode::kBinary, bad);
    expect_frames(kFromServer, kPlain, header + "more", {"error 1002 at=0"});
    EXPECT_EQ(error_of(kFromServer, kPlain, header),
              "64-bit payload length with the most significant bit set (RFC 6455 §5.2)");
  }
}

TEST(FrameParser, ReservedOpcodesAreErrors) {
  for (int op : {0x3, 0x4, 0x5, 0x6, 0x7, 0xb, 0xc, 0xd, 0xe, 0xf}) {
    SCOPED_TRACE(op);
    const std::string frame = encode_frame(static_cast<Opcode>(op), "x");
    expect_frames(kFromServer, kPlain, frame, {"error 1002 at=0"});
    const char* hex = "0123456789abcdef";
    EXPECT_EQ(error_of(kFromServer, kPlain, frame),
              std::string("frame with the reserved opcode 0x") + hex[op] + " (RFC 6455 §5.2)");
  }
}

TEST(FrameParser, RsvBitsNeedANegotiatedExtension) {
  FrameOptions rsv1;
  rsv1.rsv1 = true;
  FrameOptions rsv2;
  rsv2.rsv2 = true;
  FrameOptions rsv3;
  rsv3.rsv3 = true;
  const std::string good = encode_frame(Opcode::kText, "ok");
  // After a good frame, so the error's offset is that of the bad one.
  expect_frames(kFromServer, kPlain, good + encode_frame(Opcode::kText, "x", rsv1),
                {"header text fin len=2/7 size=2 at=0", "payload ok", "end", "error 1002 at=4"});
  EXPECT_EQ(error_of(kFromServer, kPlain, encode_frame(Opcode::kText, "x", rsv1)),
            "RSV1 bit set, but permessage-deflate was not negotiated (RFC 6455 §5.2)");
  // permessage-deflate claims RSV1 only; RSV2 and RSV3 stay errors.
  for (const auto& [options, name] : {std::pair{rsv2, "RSV2"}, std::pair{rsv3, "RSV3"}}) {
    SCOPED_TRACE(name);
    const std::string frame = encode_frame(Opcode::kText, "x", options);
    expect_frames(kFromServer, kDeflate, frame, {"error 1002 at=0"});
    EXPECT_EQ(
        error_of(kFromServer, kDeflate, frame),
        std::string(name) + " bit set, but no negotiated extension defines it (RFC 6455 §5.2)");
  }
}

TEST(FrameParser, Rsv1UnderDeflateOnlyOnTheFirstFrameOfADataMessage) {
  FrameOptions first;
  first.rsv1 = true;
  first.fin = false;
  FrameOptions last;
  last.rsv1 = false;
  expect_frames(
      kFromServer, kDeflate,
      encode_frame(Opcode::kText, "ab", first) + encode_frame(Opcode::kContinuation, "cd", last),
      {"header text more rsv=100 len=2/7 size=2 at=0", "payload ab", "end",
       "header continuation fin len=2/7 size=2 at=4", "payload cd", "end"});

  FrameOptions rsv1_continuation;
  rsv1_continuation.rsv1 = true;
  const std::string bad_continuation = encode_frame(Opcode::kText, "ab", first) +
                                       encode_frame(Opcode::kContinuation, "cd", rsv1_continuation);
  expect_frames(
      kFromServer, kDeflate, bad_continuation,
      {"header text more rsv=100 len=2/7 size=2 at=0", "payload ab", "end", "error 1002 at=4"});
  EXPECT_EQ(error_of(kFromServer, kDeflate, bad_continuation),
            "RSV1 bit set on a continuation frame: permessage-deflate marks only the first frame "
            "of a data message (RFC 7692 §6)");
  const std::string bad_ping = encode_frame(Opcode::kPing, "", rsv1_continuation);
  expect_frames(kFromServer, kDeflate, bad_ping, {"error 1002 at=0"});
  EXPECT_EQ(error_of(kFromServer, kDeflate, bad_ping),
            "RSV1 bit set on a ping frame: permessage-deflate marks only the first frame of a "
            "data message (RFC 7692 §6)");
}

TEST(FrameParser, ControlFramesAreWholeAndAtMost125Bytes) {
  expect_frames(
      kFromServer, kPlain, encode_frame(Opcode::kPing, pattern(125)),
      {"header ping fin len=125/7 size=2 at=0", "payload " + pattern(125), "end " + pattern(125)});
  for (Opcode op : {Opcode::kPing, Opcode::kPong, Opcode::kClose}) {
    SCOPED_TRACE(opcode_name(op));
    const std::string big = encode_frame(op, pattern(126));
    expect_frames(kFromServer, kPlain, big, {"error 1002 at=0"});
    EXPECT_EQ(error_of(kFromServer, kPlain, big),
              std::string(opcode_name(op)) +
                  " frame with a 126-byte payload: control frames carry at most 125 bytes (RFC "
                  "6455 §5.5)");
    FrameOptions fragmented;
    fragmented.fin = false;
    const std::string partial = encode_frame(op, "", fragmented);
    expect_frames(kFromServer, kPlain, partial, {"error 1002 at=0"});
    EXPECT_EQ(error_of(kFromServer, kPlain, partial),
              "fragmented " + std::string(opcode_name(op)) +
                  " frame (FIN clear): control frames cannot be fragmented (RFC 6455 §5.5)");
  }
}

TEST(FrameParser, MaskingMustMatchTheDirection) {
  const std::string unmasked = encode_frame(Opcode::kText, "hi");
  const std::string masked_frame = encode_frame(Opcode::kText, "hi", masked());
  expect_frames(kFromClient, kPlain, unmasked, {"error 1002 at=0"});
  EXPECT_EQ(error_of(kFromClient, kPlain, unmasked),
            "unmasked frame from the client: every client frame must be masked (RFC 6455 §5.1)");
  expect_frames(kFromServer, kPlain, masked_frame, {"error 1002 at=0"});
  EXPECT_EQ(error_of(kFromServer, kPlain, masked_frame),
            "masked frame from the server: server frames are never masked (RFC 6455 §5.1)");
}

TEST(FrameParser, FragmentationRules) {
  FrameOptions more;
  more.fin = false;
  // Control frames may come between the fragments of a message.
  expect_frames(
      kFromServer, kPlain,
      encode_frame(Opcode::kText, "a", more) + encode_frame(Opcode::kPing, "p") +
          encode_frame(Opcode::kContinuation, "b", more) + encode_frame(Opcode::kPong, "") +
          encode_frame(Opcode::kContinuation, "c") + encode_frame(Opcode::kBinary, "d"),
      {"header text more len=1/7 size=2 at=0", "payload a", "end",
       "header ping fin len=1/7 size=2 at=3", "payload p", "end p",
       "header continuation more len=1/7 size=2 at=6", "payload b", "end",
       "header pong fin len=0/7 size=2 at=9", "end", "header continuation fin len=1/7 size=2 at=11",
       "payload c", "end", "header binary fin len=1/7 size=2 at=14", "payload d", "end"});

  const std::string orphan = encode_frame(Opcode::kContinuation, "x");
  expect_frames(kFromServer, kPlain, orphan, {"error 1002 at=0"});
  EXPECT_EQ(error_of(kFromServer, kPlain, orphan),
            "continuation frame without a fragmented message to continue (RFC 6455 §5.4)");
  // A finished message leaves nothing to continue either.
  expect_frames(kFromServer, kPlain, encode_frame(Opcode::kText, "a") + orphan,
                {"header text fin len=1/7 size=2 at=0", "payload a", "end", "error 1002 at=3"});

  for (Opcode op : {Opcode::kText, Opcode::kBinary}) {
    SCOPED_TRACE(opcode_name(op));
    const std::string interrupted =
        encode_frame(Opcode::kBinary, "a", more) + encode_frame(op, "b");
    expect_frames(
        kFromServer, kPlain, interrupted,
        {"header binary more len=1/7 size=2 at=0", "payload a", "end", "error 1002 at=3"});
    EXPECT_EQ(error_of(kFromServer, kPlain, interrupted),
              std::string(opcode_name(op)) +
                  " frame while a fragmented message is still open: its continuation frames must "
                  "come first (RFC 6455 §5.4)");
  }
}

TEST(FrameParser, ClosePayloads) {
  expect_frames(kFromServer, kPlain, encode_frame(Opcode::kClose, ""),
                {"header close fin len=0/7 size=2 at=0", "end"});
  expect_frames(
      kFromServer, kPlain, encode_close_frame(1000, "bye"),
      {"header close fin len=5/7 size=2 at=0", "payload \\x03\\xe8bye", "end \\x03\\xe8bye"});
  // The payload is seen, then found invalid at the end of the frame: no FrameEnd.
  expect_frames(kFromServer, kPlain, encode_frame(Opcode::kClose, bytes({0x03})),
                {"header close fin len=1/7 size=2 at=0", "payload \\x03", "error 1002 at=0"});
  EXPECT_EQ(error_of(kFromServer, kPlain, encode_frame(Opcode::kClose, bytes({0x03}))),
            "close frame with a 1-byte payload: a close payload is empty or starts with a 2-byte "
            "code (RFC 6455 §5.5.1)");
  EXPECT_EQ(error_of(kFromServer, kPlain, encode_close_frame(1005, "")),
            "close frame with code 1005, which may not be sent (RFC 6455 §7.4)");
  const std::string bad_utf8 = encode_close_frame(1000, bytes({0xc3, 0x28}), kRfcKey);
  expect_frames(kFromClient, kPlain, bad_utf8,
                {"header close fin masked len=4/7 size=6 at=0", "payload \\x03\\xe8\\xc3(",
                 "error 1007 at=0"});
  EXPECT_EQ(error_of(kFromClient, kPlain, bad_utf8),
            "close frame whose reason is not valid UTF-8 (RFC 6455 §5.5.1)");
}

TEST(FrameParser, AfterAnErrorBytesAreCountedNotParsed) {
  const std::string good = encode_frame(Opcode::kText, "ok");
  const std::string bad = encode_frame(static_cast<Opcode>(0x3), "xyz");  // 0x83 0x03 x y z
  FrameParser parser(kFromServer);
  test::FrameLines lines;
  lines.add(parser.feed(good + bad + good));
  // The error is found at the first byte of the bad frame; the 4 bytes after it in this
  // feed and everything fed later are only counted.
  EXPECT_EQ(lines.lines, (std::vector<std::string>{"header text fin len=2/7 size=2 at=0",
                                                   "payload ok", "end", "error 1002 at=4"}));
  EXPECT_EQ(parser.bytes_ignored(), 4u + good.size());
  lines.add(parser.feed(good));
  lines.add(parser.feed(good));
  EXPECT_EQ(lines.lines.size(), 4u);
  EXPECT_TRUE(parser.failed());
  EXPECT_EQ(parser.bytes_fed(), 4 * good.size() + bad.size());
  EXPECT_EQ(parser.bytes_ignored(), 4u + 3 * good.size());
  EXPECT_EQ(parser.error()->offset, 4u);
}

TEST(FrameParser, InFrameAndInMessageAtEveryStep) {
  FrameOptions more;
  more.fin = false;
  const std::string first = encode_frame(Opcode::kText, "ab", more);
  FrameParser parser(kFromServer);
  EXPECT_FALSE(parser.in_frame());
  parser.feed(first.substr(0, 1));
  EXPECT_TRUE(parser.in_frame());  // an EOF here truncates a frame
  parser.feed(first.substr(1, 2));
  EXPECT_TRUE(parser.in_frame());
  EXPECT_TRUE(parser.in_message());
  parser.feed(first.substr(3));
  EXPECT_FALSE(parser.in_frame());
  EXPECT_TRUE(parser.in_message());  // and here truncates a message
  parser.feed(encode_frame(Opcode::kContinuation, "c"));
  EXPECT_FALSE(parser.in_frame());
  EXPECT_FALSE(parser.in_message());
  EXPECT_FALSE(parser.failed());
}

TEST(FrameParser, EncoderRoundTripsThroughTheParser) {
  FrameOptions options = masked({0xff, 0x00, 0x80, 0x7f});
  options.fin = false;
  options.rsv1 = true;
  const std::string payload = pattern(300);
  EXPECT_EQ(frame_lines(kFromClient, kDeflate, encode_frame(Opcode::kBinary, payload, options)),
            (std::vector<std::string>{"header binary more rsv=100 masked len=300/16 size=8 at=0",
                                      "payload " + payload, "end"}));
}

}  // namespace
}  // namespace flowscope::ws
