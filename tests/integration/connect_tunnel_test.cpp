// CONNECT: "200 Connection Established", then a blind relay in both directions with
// half-close (RFC 9110 §9.3.6), recorded as one "tunnel" flow with byte counts.
#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "tests/integration/proxy_fixture.hpp"
#include "tests/support/digest.hpp"

namespace flowscope::integration {
namespace {

class ConnectTunnelTest : public ProxyTest {
 protected:
  static std::string connect_request(const OriginServer& origin, const std::string& extra = "") {
    return "CONNECT " + origin.authority() + " HTTP/1.1\r\nHost: " + origin.authority() + "\r\n" +
           extra + "\r\n";
  }
};

constexpr const char* kEstablished = "HTTP/1.1 200 Connection Established\r\n\r\n";

TEST_F(ConnectTunnelTest, RelaysBytesBothWaysIncludingBytesSentWithTheConnect) {
  start();
  OriginServer origin(OriginServer::Raw{[](RawConnection& c) {
    if (c.read_exact(5) != "hello") return;
    c.write("world");
    if (c.read_exact(4) != "ping") return;
    c.write("pong");
    c.read_until_eof();
  }});
  TestClient client(port());
  // The first tunnel bytes travel in the same write as the CONNECT head.
  ASSERT_TRUE(client.send(connect_request(origin) + "hello"));
  HttpResponse established = client.read_connect_response();
  ASSERT_TRUE(established.complete) << established.error;
  EXPECT_EQ(established.raw, kEstablished);
  EXPECT_EQ(client.read_exact(5), "world");
  ASSERT_TRUE(client.send("ping"));
  EXPECT_EQ(client.read_exact(4), "pong");
  client.shutdown_write();
  EXPECT_EQ(client.read_until_eof(), "");
  EXPECT_FALSE(client.reset_seen());

  auto connections = origin.connections();
  ASSERT_EQ(connections.size(), 1u);
  EXPECT_EQ(connections[0].raw, "helloping");  // no HTTP head leaked into the tunnel

  auto f = flows(1);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].error, "");
  EXPECT_EQ(f[0].scheme, "tunnel");
  EXPECT_EQ(f[0].request.method, "CONNECT");
  EXPECT_EQ(f[0].request.url, origin.authority());
  EXPECT_EQ(f[0].server_address, origin.authority());
  ASSERT_TRUE(f[0].tunnel.has_value());
  EXPECT_EQ(f[0].tunnel->host, "127.0.0.1");
  EXPECT_EQ(f[0].tunnel->port, origin.port());
  EXPECT_EQ(f[0].tunnel->bytes_from_client, 9u);
  EXPECT_EQ(f[0].tunnel->bytes_from_server, 9u);
  EXPECT_GE(f[0].tunnel->duration_ms, 0);
}

TEST_F(ConnectTunnelTest, ClientHalfCloseStillDeliversTheOriginsReply) {
  start();
  OriginServer origin(OriginServer::Raw{[](RawConnection& c) {
    // Answer only once the client has finished sending.
    std::string all = c.read_until_eof();
    c.write("got " + std::to_string(all.size()) + " bytes: " + all);
  }});
  TestClient client(port());
  ASSERT_TRUE(client.send(connect_request(origin)));
  ASSERT_EQ(client.read_connect_response().raw, kEstablished);
  ASSERT_TRUE(client.send("abc"));
  client.shutdown_write();
  EXPECT_EQ(client.read_until_eof(), "got 3 bytes: abc");
  EXPECT_FALSE(client.reset_seen());

  auto f = flows(1);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].error, "");
  ASSERT_TRUE(f[0].tunnel.has_value());
  EXPECT_EQ(f[0].tunnel->bytes_from_client, 3u);
  EXPECT_EQ(f[0].tunnel->bytes_from_server, 16u);
}

TEST_F(ConnectTunnelTest, OriginHalfCloseLetsTheClientKeepSending) {
  start();
  OriginServer origin(OriginServer::Raw{[](RawConnection& c) {
    c.write("bye");
    c.shutdown_write();
    c.read_until_eof();  // recorded in connections()
  }});
  TestClient client(port());
  ASSERT_TRUE(client.send(connect_request(origin)));
  ASSERT_EQ(client.read_connect_response().raw, kEstablished);
  EXPECT_EQ(client.read_until_eof(), "bye");  // the proxy passed the origin's FIN on
  EXPECT_FALSE(client.reset_seen());
  ASSERT_TRUE(client.send("late data"));
  client.shutdown_write();

  auto f = flows(1);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].error, "");
  ASSERT_TRUE(f[0].tunnel.has_value());
  EXPECT_EQ(f[0].tunnel->bytes_from_server, 3u);
  EXPECT_EQ(f[0].tunnel->bytes_from_client, 9u);
  // The flow may be recorded before the origin has read the last bytes; their
  // FIN follows them, so once the origin sees it, it has them all.
  ASSERT_TRUE(origin.wait_for_peer_closes(1));
  auto connections = origin.connections();
  ASSERT_EQ(connections.size(), 1u);
  EXPECT_EQ(connections[0].raw, "late data");
}

TEST_F(ConnectTunnelTest, HttpInsideTheTunnelReachesTheOriginUntouched) {
  start();
  OriginServer origin(OriginServer::echo());
  TestClient client(port());
  const std::string inner =
      "POST /inner HTTP/1.1\r\nHost: whatever\r\nProxy-Connection: keep-alive\r\n"
      "Content-Length: 3\r\n\r\nxyz";
  ASSERT_TRUE(client.send(connect_request(origin) + inner));
  HttpResponse established = client.read_connect_response();
  ASSERT_TRUE(established.complete) << established.error;
  EXPECT_EQ(established.status(), 200);
  // After the tunnel is up the bytes are the origin's: parse them afresh.
  client.restart_parser();
  HttpResponse r = client.read_response();
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 200);
  EXPECT_EQ(r.body, "xyz");
  EXPECT_EQ(r.header("X-Target"), "/inner");
  auto received = origin.requests();
  ASSERT_EQ(received.size(), 1u);
  // Blind: hop-by-hop headers inside the tunnel are not the proxy's business.
  EXPECT_EQ(received[0].raw, inner);
  EXPECT_EQ(received[0].body, "xyz");
}

TEST_F(ConnectTunnelTest, LargeTransfersBothWaysAtOnce) {
  start();
  constexpr std::size_t kSize = 16 * 1024 * 1024;
  OriginServer origin(OriginServer::Raw{[](RawConnection& c) {
    // Echo everything back as it arrives.
    for (std::string piece = c.read_some(); !piece.empty(); piece = c.read_some()) {
      if (!c.write(piece)) return;
    }
  }});
  TestClient client(port());
  ASSERT_TRUE(client.send(connect_request(origin)));
  ASSERT_EQ(client.read_connect_response().raw, kEstablished);
  std::thread sender([&] {
    std::string block(256 * 1024, '\0');
    for (std::size_t off = 0; off < kSize; off += block.size()) {
      testsupport::fill_pattern(off, block.data(), block.size());
      if (!client.send(block)) return;
    }
    client.shutdown_write();
  });
  testsupport::Sha256 hash;
  std::size_t received = 0;
  for (std::string piece = client.read_some(); !piece.empty(); piece = client.read_some()) {
    hash.update(piece);
    received += piece.size();
  }
  sender.join();
  EXPECT_EQ(received, kSize);
  EXPECT_EQ(hash.hex_digest(), testsupport::pattern_sha256(kSize));
  EXPECT_FALSE(client.timed_out());

  auto f = flows(1);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].error, "");
  ASSERT_TRUE(f[0].tunnel.has_value());
  EXPECT_EQ(f[0].tunnel->bytes_from_client, kSize);
  EXPECT_EQ(f[0].tunnel->bytes_from_server, kSize);
}

TEST_F(ConnectTunnelTest, ResolveOverrideAppliesToConnect) {
  OriginServer origin(OriginServer::Raw{[](RawConnection& c) { c.write(c.read_exact(2) + "!"); }});
  proxy::Config config = testsupport::test_config();
  config.resolve.push_back({"tunnel.fake", origin.port(), "127.0.0.1"});
  start(config);
  const std::string authority = "tunnel.fake:" + std::to_string(origin.port());
  TestClient client(port());
  ASSERT_TRUE(
      client.send("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\nhi"));
  ASSERT_EQ(client.read_connect_response().raw, kEstablished);
  EXPECT_EQ(client.read_until_eof(), "hi!");
  client.shutdown_write();
  auto f = flows(1);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].error, "");
  EXPECT_EQ(f[0].tunnel->host, "tunnel.fake");
  EXPECT_EQ(f[0].server_address, origin.authority());
}

TEST_F(ConnectTunnelTest, ConnectToRefusedPortIs502) {
  start();
  testsupport::RefusingPort closed;
  const std::string authority = "127.0.0.1:" + std::to_string(closed.port());
  HttpResponse r =
      exchange("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n");
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 502);
  EXPECT_EQ(r.header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_NE(r.body.find("cannot connect to " + authority), std::string::npos) << r.body;
  auto f = flows(1);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].error.find("cannot connect to " + authority), std::string::npos) << f[0].error;
  EXPECT_NE(f[0].error.find("refused"), std::string::npos) << f[0].error;
  ASSERT_TRUE(f[0].response.has_value());
  EXPECT_EQ(f[0].response->status, 502);
}

// The client gives up while the proxy is still connecting. Whether the proxy
// notices at once or only when its connect attempt ends, the CONNECT is recorded
// once, as failed.
TEST_F(ConnectTunnelTest, ClientGivingUpBeforeTheTunnelIsUpIsRecorded) {
  testsupport::BlackholePort blackhole;
  if (!blackhole.ready())
    GTEST_SKIP() << "cannot make a connect hang on loopback: " << blackhole.why_not();
  proxy::Config config = testsupport::test_config();
  config.connect_timeout_ms = 200;
  start(config);
  const std::string authority = "127.0.0.1:" + std::to_string(blackhole.port());
  {
    TestClient client(port());
    ASSERT_TRUE(
        client.send("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n"));
  }  // closed
  auto f = flows(1);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].error, "");
  EXPECT_EQ(f[0].scheme, "tunnel");
}

}  // namespace
}  // namespace flowscope::integration
