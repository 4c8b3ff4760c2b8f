#include "core/flow/console_sink.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace flowscope::flow {
namespace {

WebSocketMessage message(bool from_client, std::uint8_t opcode, std::string data) {
  WebSocketMessage m;
  m.from_client = from_client;
  m.opcode = opcode;
  m.length = m.wire_length = data.size();
  m.data = std::move(data);
  return m;
}

TEST(ConsoleSinkWebSocketLine, TextShowsItsPayloadAndTheDirection) {
  EXPECT_EQ(websocket_message_line("127.0.0.1:5000", message(false, 1, "hello, flowscope")),
            "127.0.0.1:5000 ws ← text 16B hello, flowscope");
  EXPECT_EQ(websocket_message_line("127.0.0.1:5000", message(true, 1, "hi")),
            "127.0.0.1:5000 ws → text 2B hi");
}

TEST(ConsoleSinkWebSocketLine, ControlCharactersBecomeSpaces) {
  EXPECT_EQ(websocket_message_line("c", message(true, 1, "a\tb\nc\x1b[31md\x7f")),
            "c ws → text 12B a b c [31md ");
}

TEST(ConsoleSinkWebSocketLine, LongTextIsCutAtACharacterBoundary) {
  // 39 ASCII bytes, then "é" (2 bytes) across the 40-byte preview limit.
  const std::string text = std::string(39, 'x') + "\xc3\xa9" + "tail";
  EXPECT_EQ(websocket_message_line("c", message(true, 1, text)),
            "c ws → text 45B " + std::string(39, 'x') + "…");
}

TEST(ConsoleSinkWebSocketLine, BinaryShowsHex) {
  EXPECT_EQ(websocket_message_line("c", message(false, 2, std::string("\x00\x01\xff", 3))),
            "c ws ← binary 3B 0001ff");
  std::string first16;
  for (int i = 0; i < 16; ++i) first16 += "10";
  EXPECT_EQ(websocket_message_line("c", message(false, 2, std::string(20, '\x10'))),
            "c ws ← binary 20B " + first16 + "…");
}

TEST(ConsoleSinkWebSocketLine, CompressedTruncatedAndClose) {
  WebSocketMessage big = message(true, 1, "abc");
  big.length = 5000;
  big.truncated = true;
  big.compressed = true;
  big.wire_length = 40;
  EXPECT_EQ(websocket_message_line("c", big), "c ws → text 5000B (deflate 40B) abc…");

  WebSocketMessage close = message(false, 8, "bye");
  close.length = close.wire_length = 5;
  close.close_code = 1000;
  EXPECT_EQ(websocket_message_line("c", close), "c ws ← close 5B 1000 bye");
}

TEST(ConsoleSinkWebSocketLine, AnInflateFailureSaysSo) {
  WebSocketMessage m = message(false, 1, "");
  m.length = 0;
  m.error = "inflate failed: invalid block type";
  EXPECT_EQ(websocket_message_line("c", m), "c ws ← text 0B (inflate failed: invalid block type)");
}

// What a sink wrote to its file, whole.
std::string written(std::FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::string out;
  for (int c = std::fgetc(file); c != EOF; c = std::fgetc(file)) out.push_back(static_cast<char>(c));
  return out;
}

Flow finished(int status) {
  Flow flow;
  flow.client_address = "c";
  flow.request.method = "GET";
  flow.request.url = "http://x/";
  flow.response = Response{status, "R", "HTTP/1.1", {}, {}};
  return flow;
}

TEST(ConsoleSinkColour, OnlyAColourSinkWritesEscapes) {
  std::FILE* plain_file = std::tmpfile();
  std::FILE* colour_file = std::tmpfile();
  ConsoleSink plain(plain_file, true, false);
  ConsoleSink coloured(colour_file, true, true);
  FlowEvent started{FlowStage::kStarted, finished(200)};
  for (ConsoleSink* sink : {&plain, &coloured}) {
    sink->on_flow_event(started);
    sink->on_flow(finished(404));
  }
  EXPECT_EQ(written(plain_file), "c GET http://x/ …\nc GET http://x/ 404 R 0B 0.0ms\n");
  EXPECT_EQ(written(colour_file),
            "\x1b[2mc GET http://x/ …\x1b[0m\n\x1b[33mc GET http://x/ 404 R 0B 0.0ms\x1b[0m\n");
  std::fclose(plain_file);
  std::fclose(colour_file);
}

}  // namespace
}  // namespace flowscope::flow
