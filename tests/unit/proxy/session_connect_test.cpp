// CONNECT tunnels through proxy::Session.
#include <gtest/gtest.h>

#include "session_harness.hpp"

namespace flowscope::proxy::testing {
namespace {

const std::string kConnect = "CONNECT origin.test:443 HTTP/1.1\r\nHost: origin.test:443\r\n\r\n";
const std::string kEstablished = "HTTP/1.1 200 Connection Established\r\n\r\n";

TEST(SessionConnect, AnswersAfterTheUpstreamConnectsWhateverTheSplit) {
  for (const auto& pieces : every_split(kConnect + "early")) {
    SessionHarness h;
    for (const auto& p : pieces) h.client(p);
    ASSERT_EQ(h.count<OpenConnection>(), 1u);
    EXPECT_EQ(h.all<OpenConnection>()[0].host, "origin.test");
    EXPECT_EQ(h.all<OpenConnection>()[0].port, 443);
    EXPECT_FALSE(h.all<OpenConnection>()[0].allow_pooled);
    EXPECT_EQ(h.take_client_bytes(), "");
    h.connected();
    EXPECT_EQ(h.take_client_bytes(), kEstablished);
    // Bytes that came with (or after) the CONNECT head go into the tunnel.
    EXPECT_EQ(h.take_upstream_bytes(), "early");
  }
}

TEST(SessionConnect, RelaysBothWaysAndRecordsTheTunnel) {
  SessionHarness h;
  h.client(kConnect);
  h.connected();
  h.take_client_bytes();
  h.client("\x16\x03\x01 hello");
  h.upstream("server bytes");
  h.advance_ms(40);
  EXPECT_EQ(h.take_upstream_bytes(), "\x16\x03\x01 hello");
  EXPECT_EQ(h.take_client_bytes(), "server bytes");
  EXPECT_EQ(h.count<RecordFlow>(), 0u);

  // Half-close: the client's EOF becomes a shutdown towards the origin, whose
  // answer still reaches the client before both close.
  h.client_eof();
  ASSERT_EQ(h.count<ShutdownWrite>(), 1u);
  EXPECT_EQ(h.all<ShutdownWrite>()[0].connection, h.upstream_id());
  EXPECT_FALSE(h.closed());
  h.upstream("late reply");
  EXPECT_EQ(h.take_client_bytes(), "late reply");
  h.upstream_eof();
  EXPECT_TRUE(h.closed());
  ASSERT_EQ(h.count<RecordFlow>(), 1u);
  const auto flow = h.flows()[0];
  EXPECT_EQ(flow.scheme, "tunnel");
  EXPECT_EQ(flow.request.method, "CONNECT");
  ASSERT_TRUE(flow.tunnel);
  EXPECT_EQ(flow.tunnel->host, "origin.test");
  EXPECT_EQ(flow.tunnel->bytes_from_client, 9u);
  EXPECT_EQ(flow.tunnel->bytes_from_server, 22u);
  EXPECT_EQ(flow.tunnel->duration_ms, 40.0);
  EXPECT_EQ(flow.error, "");
}

TEST(SessionConnect, ResetEndsTheTunnelWithAnError) {
  SessionHarness h;
  h.client(kConnect);
  h.connected();
  h.upstream_error("connection reset by peer");
  EXPECT_TRUE(h.closed());
  EXPECT_EQ(h.flows()[0].error, "upstream connection error: connection reset by peer");
}

TEST(SessionConnect, PortOutsideTheAllowListIs403) {
  Config config;
  config.connect_ports = {443};
  SessionHarness h(config);
  h.client("CONNECT origin.test:22 HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(h.take_client_bytes().starts_with("HTTP/1.1 403 Forbidden\r\n"));
  EXPECT_EQ(h.count<OpenConnection>(), 0u);
  EXPECT_TRUE(h.closed());
}

TEST(SessionConnect, BadTargetsAre400) {
  for (const char* target : {"origin.test", "user@origin.test:443", "bad_host!:443", "origin.test:0", "[::1:443"}) {
    SessionHarness h;
    h.client("CONNECT " + std::string(target) + " HTTP/1.1\r\n\r\n");
    EXPECT_TRUE(h.take_client_bytes().starts_with("HTTP/1.1 400 Bad Request\r\n")) << target;
    EXPECT_EQ(h.count<OpenConnection>(), 0u) << target;
  }
}

TEST(SessionConnect, ThroughAnUpstreamProxy) {
  Config config;
  config.upstream_proxy = UpstreamProxy{"parent.test", 3128, ""};
  SessionHarness h(config);
  h.client(kConnect);
  EXPECT_EQ(h.all<OpenConnection>()[0].host, "parent.test");
  h.connected();
  EXPECT_EQ(h.take_upstream_bytes(), "CONNECT origin.test:443 HTTP/1.1\r\nHost: origin.test:443\r\n\r\n");
  EXPECT_EQ(h.take_client_bytes(), "");
  h.upstream("HTTP/1.1 200 OK\r\n\r\nfirst tunnel bytes");
  EXPECT_EQ(h.take_client_bytes(), kEstablished + "first tunnel bytes");
}

TEST(SessionConnect, UpstreamProxyRefusalIs502) {
  Config config;
  config.upstream_proxy = UpstreamProxy{"parent.test", 3128, ""};
  SessionHarness h(config);
  h.client(kConnect);
  h.connected();
  h.upstream("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
  EXPECT_TRUE(h.take_client_bytes().starts_with("HTTP/1.1 502 Bad Gateway\r\n"));
  EXPECT_EQ(h.flows()[0].error, "upstream proxy refused CONNECT: 403 Forbidden");
}

}  // namespace
}  // namespace flowscope::proxy::testing
