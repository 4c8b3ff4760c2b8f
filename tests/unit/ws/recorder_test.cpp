// ws::Recorder: the bytes of both directions after a 101 become the flow's WebSocket
// record. Each direction is fed cut in every way the other ws tests use, and the
// record must not depend on the cuts.
#include "core/ws/recorder.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/ws/close.hpp"
#include "core/ws/frame_encoder.hpp"
#include "tests/unit/ws/compressor.hpp"
#include "tests/unit/ws/ws_test_support.hpp"

namespace flowscope::ws {
namespace {

using test::kFromClient;
using test::kFromServer;
using test::printable;

constexpr MaskKey kMask{0x12, 0x34, 0x56, 0x78};

FrameOptions frame_options(bool fin, bool rsv1 = false, bool rsv2 = false) {
  FrameOptions options;
  options.fin = fin;
  options.rsv1 = rsv1;
  options.rsv2 = rsv2;
  return options;
}

std::string client_frame(Opcode op, std::string_view payload, FrameOptions options = {}) {
  options.mask = kMask;
  return encode_frame(op, payload, options);
}

std::string server_frame(Opcode op, std::string_view payload, FrameOptions options = {}) {
  return encode_frame(op, payload, options);
}

// One line per recorded message: "client text len=5 'hello'", with the flags that are set.
std::vector<std::string> message_lines(const flow::WebSocket& record) {
  std::vector<std::string> lines;
  for (const flow::WebSocketMessage& m : record.messages) {
    std::string line = std::string(m.from_client ? "client " : "server ") +
                       std::string(opcode_name(static_cast<Opcode>(m.opcode))) +
                       " len=" + std::to_string(m.length);
    if (m.compressed) line += " compressed wire=" + std::to_string(m.wire_length);
    if (m.close_code) line += " code=" + std::to_string(*m.close_code);
    if (m.truncated) line += " truncated";
    line += " " + printable(m.data);
    if (!m.error.empty()) line += " error=" + m.error;
    lines.push_back(std::move(line));
  }
  return lines;
}

http::Headers response_headers(std::string extensions = {}, std::string protocol = {}) {
  http::Headers headers;
  headers.add("Upgrade", "websocket");
  headers.add("Connection", "Upgrade");
  if (!extensions.empty()) headers.add("Sec-WebSocket-Extensions", std::move(extensions));
  if (!protocol.empty()) headers.add("Sec-WebSocket-Protocol", std::move(protocol));
  return headers;
}

// Each direction's bytes, fed cut in every way; the two directions take turns piece by
// piece so that the order of the record is the order of arrival.
flow::WebSocket record_of(const http::Headers& headers, const std::string& from_client,
                          const std::string& from_server, RecorderLimits limits = {}) {
  flow::WebSocket record;
  Recorder recorder(record, headers, limits);
  recorder.feed(kFromServer, from_server, 1);
  recorder.feed(kFromClient, from_client, 2);
  return record;
}

void expect_same_record_for_every_cut(const http::Headers& headers, Direction from, const std::string& input,
                                      const std::vector<std::string>& expected, RecorderLimits limits = {}) {
  for (const test::Cuts& cuts : test::ways_to_cut(input.size())) {
    SCOPED_TRACE(cuts.how);
    flow::WebSocket record;
    Recorder recorder(record, headers, limits);
    test::feed_with_cuts(input, cuts.at, [&](std::string_view piece) { recorder.feed(from, piece, 7); });
    ASSERT_EQ(message_lines(record), expected);
    ASSERT_EQ(record.protocol_error, "");
  }
}

TEST(WsRecorder, ClientMessagesOfEveryLengthFormFragmentedWithControlFramesBetween) {
  const std::string big(70'000, 'x');  // a 64-bit length
  const std::string mid(300, 'm');     // a 16-bit length
  std::string input = client_frame(Opcode::kText, "hello");
  input += client_frame(Opcode::kBinary, test::bytes({0x00, 0xff, 0x80}));
  input += client_frame(Opcode::kText, "frag", frame_options(false));
  input += client_frame(Opcode::kPing, "p1");
  input += client_frame(Opcode::kContinuation, "ment", frame_options(false));
  input += client_frame(Opcode::kPong, "");
  input += client_frame(Opcode::kContinuation, "ed");
  input += client_frame(Opcode::kBinary, mid);
  input += client_frame(Opcode::kBinary, big);
  input += encode_close_frame(1000, "bye", kMask);
  expect_same_record_for_every_cut(response_headers(), kFromClient, input,
                                   {"client text len=5 hello", "client binary len=3 \\x00\\xff\\x80",
                                    "client ping len=2 p1", "client pong len=0 ", "client text len=10 fragmented",
                                    "client binary len=300 " + mid, "client binary len=70000 " + big,
                                    "client close len=5 code=1000 bye"});
}

TEST(WsRecorder, ServerMessagesUnmasked) {
  std::string input = server_frame(Opcode::kText, "welcome");
  input += server_frame(Opcode::kClose, "");
  expect_same_record_for_every_cut(response_headers(), kFromServer, input,
                                   {"server text len=7 welcome", "server close len=0 "});
}

TEST(WsRecorder, TheCloseSaysWhoClosedAndWhetherTheOtherSideAnswered) {
  flow::WebSocket record;
  Recorder recorder(record, response_headers(), {});
  recorder.feed(kFromClient, encode_close_frame(4001, "done here", kMask), 10);
  ASSERT_TRUE(record.close);
  EXPECT_TRUE(record.close->from_client);
  EXPECT_EQ(record.close->code, 4001);
  EXPECT_EQ(record.close->reason, "done here");
  EXPECT_FALSE(record.close->answered);
  recorder.feed(kFromServer, encode_close_frame(4001, "done here"), 11);
  EXPECT_TRUE(record.close->answered);
  EXPECT_TRUE(record.close->from_client);
  EXPECT_EQ(message_lines(record),
            (std::vector<std::string>{"client close len=11 code=4001 done here",
                                      "server close len=11 code=4001 done here"}));
}

TEST(WsRecorder, AMessageIsTimedWhenItsFirstFrameArrives) {
  flow::WebSocket record;
  Recorder recorder(record, response_headers(), {});
  const std::string frame = server_frame(Opcode::kText, "slow");
  recorder.feed(kFromServer, std::string_view(frame).substr(0, 3), 1'000);
  recorder.feed(kFromServer, std::string_view(frame).substr(3), 9'000);
  recorder.feed(kFromServer, server_frame(Opcode::kPing, ""), 12'000);
  ASSERT_EQ(record.messages.size(), 2u);
  EXPECT_EQ(record.messages[0].time_us, 1'000);
  EXPECT_EQ(record.messages[1].time_us, 12'000);
}

TEST(WsRecorder, ThePayloadKeptIsCappedByTheBodyLimitAndTheLengthCountsAll) {
  std::string input = client_frame(Opcode::kText, std::string(100, 'a'));
  input += client_frame(Opcode::kText, "0123456789");
  expect_same_record_for_every_cut(response_headers(), kFromClient, input,
                                   {"client text len=100 truncated aaaaaaaaaa", "client text len=10 0123456789"},
                                   {.body_limit = 10, .message_limit = 0});
}

TEST(WsRecorder, MessagesBeyondTheLimitAreCountedNotKeptAndTheCloseIsStillRecorded) {
  std::string input;
  for (int i = 0; i < 5; ++i) input += client_frame(Opcode::kText, "m" + std::to_string(i));
  input += encode_close_frame(1001, "", kMask);
  flow::WebSocket record = record_of(response_headers(), input, {}, {.body_limit = 0, .message_limit = 3});
  EXPECT_EQ(message_lines(record),
            (std::vector<std::string>{"client text len=2 m0", "client text len=2 m1", "client text len=2 m2"}));
  EXPECT_EQ(record.messages_dropped, 3u);  // two messages and the close frame
  ASSERT_TRUE(record.close);
  EXPECT_EQ(record.close->code, 1001);
}

TEST(WsRecorder, ThePayloadLimitCapsWhatTheWholeFlowKeepsAndLaterMessagesKeepTheirMetadata) {
  test::Compressor client(15, false);
  std::string input = client_frame(Opcode::kText, "0123456789");
  input += client_frame(Opcode::kText, "abcdefghij");
  input += client_frame(Opcode::kPing, "ping");
  const std::string compressed = client.message("inflated");
  input += client_frame(Opcode::kText, compressed, frame_options(true, true));
  expect_same_record_for_every_cut(
      response_headers("permessage-deflate"), kFromClient, input,
      {"client text len=10 0123456789", "client text len=10 truncated abcde", "client ping len=4 truncated ",
       "client text len=8 compressed wire=" + std::to_string(compressed.size()) + " truncated "},
      {.body_limit = 0, .message_limit = 0, .payload_limit = 15});
}

TEST(WsRecorder, SubprotocolAndExtensionsComeFromThe101) {
  flow::WebSocket record;
  Recorder recorder(record, response_headers("permessage-deflate; server_no_context_takeover", "graphql-ws"), {});
  EXPECT_EQ(record.protocol, "graphql-ws");
  EXPECT_EQ(record.extensions, "permessage-deflate; server_no_context_takeover");
  EXPECT_EQ(record.protocol_error, "");
}

TEST(WsRecorder, CompressedMessagesAreRecordedInflatedWithContextTakeover) {
  test::Compressor client(15, false);
  std::string input;
  std::vector<std::string> expected;
  for (const char* text : {"hello hello hello", "hello hello hello", "hello again"}) {
    const std::string compressed = client.message(text);
    // The second message is split over two frames: RSV1 only on the first.
    if (std::string_view(text) == "hello again") {
      input += client_frame(Opcode::kText, compressed.substr(0, 2), frame_options(false, true));
      input += client_frame(Opcode::kContinuation, compressed.substr(2));
    } else {
      input += client_frame(Opcode::kText, compressed, frame_options(true, true));
    }
    expected.push_back("client text len=" + std::to_string(std::string_view(text).size()) +
                       " compressed wire=" + std::to_string(compressed.size()) + " " + text);
  }
  input += client_frame(Opcode::kBinary, "raw");  // permessage-deflate allows uncompressed messages
  expected.push_back("client binary len=3 raw");
  expect_same_record_for_every_cut(response_headers("permessage-deflate"), kFromClient, input, expected);
}

TEST(WsRecorder, CompressedMessagesWithoutContextTakeoverAndASmallWindow) {
  test::Compressor server(9, true);
  std::string input;
  for (const char* text : {"abcabcabcabc", "abcabcabcabc"}) input += server_frame(Opcode::kText, server.message(text), frame_options(true, true));
  flow::WebSocket record = record_of(
      response_headers("permessage-deflate; server_no_context_takeover; server_max_window_bits=9"), {}, input);
  ASSERT_EQ(record.messages.size(), 2u);
  EXPECT_EQ(record.messages[0].data, "abcabcabcabc");
  EXPECT_EQ(record.messages[1].data, "abcabcabcabc");
  EXPECT_EQ(record.protocol_error, "");
}

TEST(WsRecorder, AnInflateFailureIsRecordedAndTheNextMessageStillReads) {
  test::Compressor client(15, true);
  std::string input = client_frame(Opcode::kText, test::bytes({0xff, 0xff, 0xff, 0xff}), frame_options(true, true));
  input += client_frame(Opcode::kText, client.message("fine"), frame_options(true, true));
  flow::WebSocket record =
      record_of(response_headers("permessage-deflate; client_no_context_takeover"), input, {});
  ASSERT_EQ(record.messages.size(), 2u);
  EXPECT_NE(record.messages[0].error.find("inflate failed"), std::string::npos) << record.messages[0].error;
  EXPECT_EQ(record.messages[1].data, "fine");
  EXPECT_EQ(record.messages[1].error, "");
}

TEST(WsRecorder, AProtocolErrorStopsThatDirectionOnlyAndIsRecordedOnce) {
  // An unmasked client frame (RFC 6455 §5.1), then more frames nobody should read.
  std::string from_client = server_frame(Opcode::kText, "unmasked");
  from_client += client_frame(Opcode::kText, "after");
  std::string from_server = server_frame(Opcode::kText, "still read");
  flow::WebSocket record = record_of(response_headers(), from_client, from_server);
  EXPECT_EQ(message_lines(record), (std::vector<std::string>{"server text len=10 still read"}));
  EXPECT_EQ(record.protocol_error.rfind("client: ", 0), 0u) << record.protocol_error;
}

TEST(WsRecorder, RsvBitsWithoutAnExtensionAreAProtocolError) {
  flow::WebSocket record = record_of(response_headers(), client_frame(Opcode::kText, "x", frame_options(true, true)), {});
  EXPECT_TRUE(record.messages.empty());
  EXPECT_NE(record.protocol_error.find("client: "), std::string::npos) << record.protocol_error;
}

TEST(WsRecorder, AMessageCutByAProtocolErrorIsKeptAsFarAsItCame) {
  std::string input = client_frame(Opcode::kText, "part", frame_options(false));
  input += client_frame(Opcode::kText, "new message inside a message");
  flow::WebSocket record = record_of(response_headers(), input, {});
  EXPECT_EQ(message_lines(record),
            (std::vector<std::string>{"client text len=4 truncated part error=cut by a protocol error"}));
  EXPECT_NE(record.protocol_error, "");
}

TEST(WsRecorder, AnUnknownExtensionLeavesFramesUnparsed) {
  flow::WebSocket record =
      record_of(response_headers("x-webkit-deflate-frame"), client_frame(Opcode::kText, "x", frame_options(true, false, true)), {});
  EXPECT_TRUE(record.messages.empty());
  EXPECT_EQ(record.protocol_error, "extension x-webkit-deflate-frame negotiated: frames are relayed unparsed");
}

TEST(WsRecorder, ABadDeflateNegotiationIsRecorded) {
  flow::WebSocket record = record_of(response_headers("permessage-deflate; server_max_window_bits=99"),
                                     client_frame(Opcode::kText, "x"), {});
  EXPECT_TRUE(record.messages.empty());
  EXPECT_EQ(record.protocol_error.rfind("server: Sec-WebSocket-Extensions: ", 0), 0u) << record.protocol_error;
}

TEST(WsRecorder, AMessageUnfinishedAtTheEndIsKeptWithTheReason) {
  flow::WebSocket record;
  Recorder recorder(record, response_headers(), {});
  const std::string frame = client_frame(Opcode::kBinary, "0123456789");
  recorder.feed(kFromClient, std::string_view(frame).substr(0, frame.size() - 4), 5);
  recorder.end(kFromClient, "the client closed the connection");
  recorder.end(kFromServer, "the client closed the connection");
  EXPECT_EQ(message_lines(record),
            (std::vector<std::string>{"client binary len=6 truncated 012345 error=the client closed the connection"}));
}

}  // namespace
}  // namespace flowscope::ws
