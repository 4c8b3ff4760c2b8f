// Messages out of frames, fed at every cut: fragments joined, control frames reported
// where they came, close codes and reasons, and the parser's error passed on last.
#include "core/ws/message_assembler.hpp"

#include <gtest/gtest.h>

#include "core/ws/frame_encoder.hpp"
#include "tests/unit/ws/ws_test_support.hpp"

namespace flowscope::ws {
namespace {

using test::bytes;
using test::expect_messages;
using test::kDeflate;
using test::kFromClient;
using test::kFromServer;
using test::kPlain;

FrameOptions opts(bool fin, std::optional<MaskKey> mask = std::nullopt, bool rsv1 = false) {
  FrameOptions options;
  options.fin = fin;
  options.mask = mask;
  options.rsv1 = rsv1;
  return options;
}

TEST(MessageAssembler, OneFrameMessages) {
  expect_messages(
      kFromServer, kPlain,
      encode_frame(Opcode::kText, "hello") + encode_frame(Opcode::kBinary, "") +
          encode_frame(Opcode::kBinary, bytes({0x00, 0xff})),
      {"start text at=0", "data hello", "end size=5 frames=1", "start binary at=7",
       "end size=0 frames=1", "start binary at=9", "data \\x00\\xff", "end size=2 frames=1"});
}

TEST(MessageAssembler, FragmentsWithControlFramesBetweenThem) {
  const MaskKey key = {1, 2, 3, 4};
  const std::string input = encode_frame(Opcode::kText, "Hel", opts(false, key)) +
                            encode_frame(Opcode::kPing, "p1", opts(true, key)) +
                            encode_frame(Opcode::kContinuation, "", opts(false, key)) +
                            encode_frame(Opcode::kContinuation, "l", opts(false, key)) +
                            encode_frame(Opcode::kPong, "", opts(true, key)) +
                            encode_frame(Opcode::kClose, "", opts(true, key)) +
                            encode_frame(Opcode::kContinuation, "o!", opts(true, key)) +
                            encode_frame(Opcode::kText, "next", opts(true, key));
  expect_messages(
      kFromClient, kPlain, input,
      {"start text at=0", "data Hel", "ping p1", "data l", "pong ", "close (no code)", "data o!",
       "end size=6 frames=4", "start text at=50", "data next", "end size=4 frames=1"});
}

TEST(MessageAssembler, CompressedIsRsv1OfTheFirstFrame) {
  expect_messages(kFromServer, kDeflate,
                  encode_frame(Opcode::kBinary, "ab", opts(false, std::nullopt, true)) +
                      encode_frame(Opcode::kContinuation, "cd", opts(true)) +
                      encode_frame(Opcode::kText, "plain"),
                  {"start binary compressed at=0", "data abcd", "end size=4 frames=2",
                   "start text at=8", "data plain", "end size=5 frames=1"});
}

TEST(MessageAssembler, CloseCodesAndReasons) {
  expect_messages(kFromServer, kPlain,
                  encode_close_frame(1000, "") + encode_close_frame(1001, "going away") +
                      encode_close_frame(4321, "caf\xc3\xa9"),
                  {"close 1000 ", "close 1001 going away", "close 4321 caf\\xc3\\xa9"});
}

TEST(MessageAssembler, ProtocolErrorComesLastAndNothingFollows) {
  const std::string input = encode_frame(Opcode::kText, "a", opts(false)) +
                            encode_frame(Opcode::kText, "b") + encode_frame(Opcode::kText, "c");
  expect_messages(kFromServer, kPlain, input, {"start text at=0", "data a", "error 1002 at=3"});
  MessageReader reader(kFromServer);
  reader.feed(input);
  EXPECT_TRUE(reader.failed());
  EXPECT_EQ(reader.parser().bytes_ignored(), 5u);  // after the first byte of the bad frame
}

TEST(MessageAssembler, ReaderReportsAMessageStillOpen) {
  MessageReader reader(kFromServer);
  test::MessageLines lines;
  lines.add(reader.feed(encode_frame(Opcode::kBinary, "part", opts(false))));
  EXPECT_TRUE(reader.parser().in_message());
  EXPECT_EQ(lines.lines, (std::vector<std::string>{"start binary at=0", "data part"}));
  lines.add(reader.feed(encode_frame(Opcode::kContinuation, "!")));
  EXPECT_FALSE(reader.parser().in_message());
  EXPECT_EQ(lines.lines,
            (std::vector<std::string>{"start binary at=0", "data part!", "end size=5 frames=2"}));
}

}  // namespace
}  // namespace flowscope::ws
