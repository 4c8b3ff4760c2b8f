// A 101 to `Upgrade: websocket` hands the connection to the WebSocketLayer: frames are
// relayed byte for byte, read into the flow's WebSocket record, reported live, and the
// flow is recorded when both sides have closed, or when the proxy stops.
#include <gtest/gtest.h>

#include <string>

#include "core/flow/flow_event.hpp"
#include "core/ws/frame_encoder.hpp"
#include "tests/unit/proxy/session_harness.hpp"

namespace flowscope::proxy {
namespace {

using testing::SessionHarness;
using testing::every_split;

constexpr ws::MaskKey kMask{1, 2, 3, 4};

const char* const kUpgradeRequest =
    "GET http://o.test/chat HTTP/1.1\r\nHost: o.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
const char* const kSwitching =
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
    "Sec-WebSocket-Protocol: chat\r\nConnection: Upgrade\r\n\r\n";  // as the proxy writes it

std::string client_text(std::string_view text) {
  ws::FrameOptions masked;
  masked.mask = kMask;
  return ws::encode_frame(ws::Opcode::kText, text, masked);
}
std::string server_text(std::string_view text) { return ws::encode_frame(ws::Opcode::kText, text); }

// The upgrade is done; the origin's greeting came in the same read as the 101.
void upgrade(SessionHarness& h, const std::string& greeting) {
  h.client(kUpgradeRequest);
  h.connected();
  h.take_upstream_bytes();
  h.upstream(std::string(kSwitching) + greeting);
}

TEST(SessionWebSocket, FramesPassUnmodifiedAndTheRecordHoldsEveryMessageAndTheClose) {
  const std::string greeting = server_text("welcome");
  const std::string hello = client_text("hello");
  const std::string client_close = ws::encode_close_frame(1000, "bye", kMask);
  const std::string server_close = ws::encode_close_frame(1000, "bye");
  for (const auto& pieces : every_split(hello + client_close)) {
    SCOPED_TRACE(pieces.size());
    SessionHarness h;
    upgrade(h, greeting);
    EXPECT_EQ(h.take_client_bytes(), std::string(kSwitching) + greeting);
    std::string relayed;
    for (const std::string& piece : pieces) {
      h.client(piece);
      relayed += h.take_upstream_bytes();
    }
    EXPECT_EQ(relayed, hello + client_close);
    h.upstream(server_close);
    EXPECT_EQ(h.take_client_bytes(), server_close);
    EXPECT_TRUE(h.flows().empty()) << "recorded before the sockets closed";
    h.upstream_eof();
    h.client_eof();

    ASSERT_EQ(h.flows().size(), 1u);
    const flow::Flow f = h.flows()[0];
    EXPECT_EQ(f.response->status, 101);
    EXPECT_EQ(f.error, "");
    ASSERT_TRUE(f.websocket);
    EXPECT_EQ(f.websocket->protocol, "chat");
    ASSERT_EQ(f.websocket->messages.size(), 4u);
    EXPECT_FALSE(f.websocket->messages[0].from_client);
    EXPECT_EQ(f.websocket->messages[0].data, "welcome");
    EXPECT_TRUE(f.websocket->messages[1].from_client);
    EXPECT_EQ(f.websocket->messages[1].data, "hello");
    EXPECT_EQ(f.websocket->messages[2].opcode, 8);
    EXPECT_EQ(f.websocket->messages[3].opcode, 8);
    ASSERT_TRUE(f.websocket->close);
    EXPECT_TRUE(f.websocket->close->from_client);
    EXPECT_EQ(f.websocket->close->code, 1000);
    EXPECT_EQ(f.websocket->close->reason, "bye");
    EXPECT_TRUE(f.websocket->close->answered);
    EXPECT_EQ(f.websocket->protocol_error, "");
    EXPECT_EQ(f.tunnel->bytes_from_client, hello.size() + client_close.size());
  }
}

TEST(SessionWebSocket, MessagesAreLiveEventsAsTheyPass) {
  SessionHarness h({}, nullptr, nullptr, "127.0.0.1:50000", nullptr, /*live_events=*/true);
  upgrade(h, server_text("welcome"));
  h.client(client_text("one") + client_text("two"));
  std::vector<std::vector<std::string>> batches;
  for (const LiveFlow& live : h.all<LiveFlow>()) {
    if (live.event.stage != flow::FlowStage::kWebSocketMessage) continue;
    ASSERT_TRUE(live.event.flow.websocket);
    EXPECT_EQ(live.event.flow.client_address, "127.0.0.1:50000") << "which socket, for a console line";
    std::vector<std::string> batch;
    for (const auto& m : live.event.flow.websocket->messages) batch.push_back(m.data);
    batches.push_back(batch);
  }
  EXPECT_EQ(batches, (std::vector<std::vector<std::string>>{{"welcome"}, {"one", "two"}}));
  // The head event of the upgrade carries no messages (they come in their own events).
  for (const LiveFlow& live : h.all<LiveFlow>()) {
    if (live.event.stage == flow::FlowStage::kResponseHead) {
      EXPECT_FALSE(live.event.flow.websocket);
    }
  }
}

TEST(SessionWebSocket, TheProxyStoppingRecordsTheOpenSocketWithItsMessages) {
  SessionHarness h;
  upgrade(h, server_text("welcome"));
  h.client(client_text("still open"));
  h.feed(Aborted{"the proxy stopped"});
  ASSERT_EQ(h.flows().size(), 1u);
  const flow::Flow f = h.flows()[0];
  ASSERT_TRUE(f.websocket);
  ASSERT_EQ(f.websocket->messages.size(), 2u);
  EXPECT_EQ(f.websocket->messages[1].data, "still open");
  EXPECT_FALSE(f.websocket->close);
  EXPECT_NE(f.error, "");
}

TEST(SessionWebSocket, HostileFramesAreRelayedAndTheErrorRecorded) {
  SessionHarness h;
  upgrade(h, "");
  // Unmasked from the client, then garbage: the origin decides what to do with it.
  const std::string bad = server_text("unmasked") + std::string("\xff\xff\xff\xff", 4);
  h.client(bad);
  EXPECT_EQ(h.take_upstream_bytes(), bad);
  h.client_eof();
  h.upstream_eof();
  ASSERT_EQ(h.flows().size(), 1u);
  EXPECT_EQ(h.flows()[0].websocket->protocol_error.rfind("client: ", 0), 0u);
}

TEST(SessionWebSocket, ALimitOfMessagesFromTheConfig) {
  Config config;
  config.ws_message_limit = 1;
  SessionHarness h(config);
  upgrade(h, server_text("a") + server_text("b") + server_text("c"));
  h.feed(Aborted{"stop"});
  ASSERT_EQ(h.flows().size(), 1u);
  EXPECT_EQ(h.flows()[0].websocket->messages.size(), 1u);
  EXPECT_EQ(h.flows()[0].websocket->messages_dropped, 2u);
}

TEST(SessionWebSocket, APayloadLimitFromTheConfig) {
  Config config;
  config.ws_payload_limit = 3;
  SessionHarness h(config);
  upgrade(h, server_text("abcdef"));
  h.feed(Aborted{"stop"});
  ASSERT_EQ(h.flows().size(), 1u);
  EXPECT_EQ(h.flows()[0].websocket->messages[0].data, "abc");
  EXPECT_EQ(h.flows()[0].websocket->messages[0].length, 6u);
  EXPECT_TRUE(h.flows()[0].websocket->messages[0].truncated);
}

TEST(SessionWebSocket, AnotherUpgradeIsARawRelayWithoutAWebSocketRecord) {
  SessionHarness h;
  h.client("GET http://o.test/ HTTP/1.1\r\nHost: o.test\r\nConnection: Upgrade\r\nUpgrade: x-custom\r\n\r\n");
  h.connected();
  h.take_upstream_bytes();
  h.upstream("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x-custom\r\nConnection: Upgrade\r\n\r\nraw");
  h.client("bytes");
  EXPECT_EQ(h.take_upstream_bytes(), "bytes");
  h.client_eof();
  h.upstream_eof();
  ASSERT_EQ(h.flows().size(), 1u);
  EXPECT_FALSE(h.flows()[0].websocket);
  EXPECT_EQ(h.flows()[0].tunnel->bytes_from_server, 3u);
}

}  // namespace
}  // namespace flowscope::proxy
