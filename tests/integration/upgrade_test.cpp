// Upgrade requests over plain HTTP: a WebSocket upgrade the origin accepts (101,
// then a blind relay), and upgrades the origin declines, after which the client
// connection must go on carrying HTTP.
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/proxy_fixture.hpp"

namespace flowscope::integration {
namespace {

class UpgradeTest : public ProxyTest {};

TEST_F(UpgradeTest, WebSocketUpgradeBecomesARelay) {
  start();
  OriginServer origin([](Exchange& ex) {
    ex.write(
        "HTTP/1.1 101 Switching Protocols\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
        "\r\n");
    RawConnection raw = ex.raw();
    std::string frame = raw.read_exact(5);
    raw.write("echo:" + frame);
    raw.read_until_eof();
  });
  TestClient client(port());
  ASSERT_TRUE(client.send(
      "GET " + origin.url("/chat") + " HTTP/1.1\r\nHost: " + origin.authority() +
      "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
  HttpResponse r = client.read_response();
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 101);
  EXPECT_EQ(r.header("Upgrade"), "websocket");
  EXPECT_TRUE(r.head.headers.has_token("Connection", "upgrade"));
  ASSERT_TRUE(client.send("hello"));
  EXPECT_EQ(client.read_exact(10), "echo:hello");
  client.shutdown_write();
  EXPECT_EQ(client.read_until_eof(), "");

  auto received = origin.requests();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(header_of(received[0].head.headers, "Upgrade"), "websocket");
  EXPECT_TRUE(received[0].head.headers.has_token("Connection", "upgrade"));
  EXPECT_EQ(header_of(received[0].head.headers, "Sec-WebSocket-Key"), "dGhlIHNhbXBsZSBub25jZQ==");

  auto f = flows(1);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].error, "");
  ASSERT_TRUE(f[0].response.has_value());
  EXPECT_EQ(f[0].response->status, 101);
  ASSERT_TRUE(f[0].tunnel.has_value());
  EXPECT_EQ(f[0].tunnel->bytes_from_client, 5u);
  EXPECT_EQ(f[0].tunnel->bytes_from_server, 10u);
}

TEST_F(UpgradeTest, DeclinedWebSocketUpgradeKeepsTheConnectionUsable) {
  proxy::Config config = testsupport::test_config();
  config.header_timeout_ms = 2000;  // a stuck connection shows up as a 408, not a hang
  start(config);
  OriginServer origin(OriginServer::echo());
  TestClient client(port());
  ASSERT_TRUE(client.send(
      "GET " + origin.url("/ws") + " HTTP/1.1\r\nHost: " + origin.authority() +
      "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
  HttpResponse r = client.read_response();
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 200);
  ASSERT_TRUE(client.send(get(origin, "/next")));
  HttpResponse next = client.read_response();
  ASSERT_TRUE(next.complete) << next.error;
  EXPECT_EQ(next.status(), 200);
  EXPECT_EQ(next.header("X-Target"), "/next");
  for (const auto& flow : flows(2)) EXPECT_EQ(flow.error, "");
}

// curl --http2 against an http:// URL sends exactly this kind of head. The proxy
// drops the h2c upgrade (hop-by-hop) and the origin answers in HTTP/1.1, so the
// connection must go on carrying HTTP/1.1 requests.
TEST_F(UpgradeTest, DroppedH2cUpgradeKeepsTheConnectionUsable) {
  proxy::Config config = testsupport::test_config();
  config.header_timeout_ms = 2000;  // a stuck connection shows up as a 408, not a hang
  start(config);
  OriginServer origin(OriginServer::echo());
  TestClient client(port());
  ASSERT_TRUE(client.send("GET " + origin.url("/first") +
                          " HTTP/1.1\r\nHost: " + origin.authority() +
                          "\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                          "HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n"));
  HttpResponse r = client.read_response();
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 200);
  EXPECT_EQ(r.header("X-Target"), "/first");
  auto received = origin.requests();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].head.headers.find("Upgrade"), nullptr);
  EXPECT_EQ(received[0].head.headers.find("HTTP2-Settings"), nullptr);

  ASSERT_TRUE(client.send(get(origin, "/second")));
  HttpResponse second = client.read_response();
  ASSERT_TRUE(second.complete) << second.error;
  EXPECT_EQ(second.status(), 200) << second.body;
  EXPECT_EQ(second.header("X-Target"), "/second");
  auto f = flows(2);
  ASSERT_EQ(f.size(), 2u);
  for (const auto& flow : f) EXPECT_EQ(flow.error, "");
}

}  // namespace
}  // namespace flowscope::integration
