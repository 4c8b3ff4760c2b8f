// Replay through the engine API (ProxyServer::replay) against loopback origins:
// plain http, and https where the proxy originates a verified TLS connection.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <future>
#include <thread>

#include "proxy_fixture.hpp"
#include "tests/support/one_shot_tls_origin.hpp"
#include "tests/unit/tls/self_signed.hpp"

namespace flowscope::integration {
namespace {

using testsupport::OneShotTlsOrigin;

// Replays never mint leaves; interception only has to be on for the TLS setup.
class NoLeaves : public tls::CertificateSource {
 public:
  Result<tls::LeafCertificate> leaf_for(const std::string&, X509*) override {
    return fail("no leaves in this test");
  }
};

flow::Flow recorded(std::string id, std::string method, std::string url, std::string body = {}) {
  flow::Flow f;
  f.id = std::move(id);
  f.scheme = url.starts_with("https") ? "https" : "http";
  f.request = {std::move(method), std::move(url), "HTTP/1.1", {}, {}};
  f.request.headers.add("X-Replay-Test", "1");
  f.request.body.data = body;
  f.request.body.size = body.size();
  return f;
}

flow::Flow replay_and_wait(net::ProxyServer& server, const flow::Flow& original) {
  std::promise<flow::Flow> done;
  auto result = server.replay(original, [&](flow::Flow f) { done.set_value(std::move(f)); });
  EXPECT_TRUE(result) << (result ? "" : result.error().message);
  if (!result) return {};
  auto future = done.get_future();
  EXPECT_EQ(future.wait_for(std::chrono::seconds(60)), std::future_status::ready) << "hang guard";
  return future.get();
}

class ReplayTest : public ProxyTest {};

TEST_F(ReplayTest, HttpRequestIsSentAgainAndRecordedAsAReplay) {
  OriginServer origin(OriginServer::fixed(200, "again"));
  start();
  const std::string url = "http://127.0.0.1:" + std::to_string(origin.port()) + "/path?q=1";
  flow::Flow flow = replay_and_wait(server(), recorded("5-2", "POST", url, "payload"));
  EXPECT_EQ(flow.error, "");
  EXPECT_EQ(flow.replay_of, "5-2");
  EXPECT_EQ(flow.request.url, url);
  ASSERT_TRUE(flow.response);
  EXPECT_EQ(flow.response->status, 200);
  EXPECT_EQ(flow.response->body.data, "again");
  auto received = origin.requests();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].head.method, "POST");
  EXPECT_EQ(received[0].head.target, "/path?q=1");
  EXPECT_EQ(received[0].body, "payload");
  ASSERT_NE(received[0].head.headers.find("X-Replay-Test"), nullptr);
  // The sinks saw it too.
  auto flows = this->flows(1);
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0].replay_of, "5-2");
}

TEST_F(ReplayTest, HttpsRequestIsSentOverVerifiedTls) {
  OneShotTlsOrigin origin("localhost");
  const std::filesystem::path ca =
      std::filesystem::temp_directory_path() / ("flowscope-replay-ca-" + std::to_string(::getpid()) + ".pem");
  {
    std::FILE* f = std::fopen(ca.c_str(), "w");
    ASSERT_NE(f, nullptr);
    PEM_write_X509(f, origin.cert());
    std::fclose(f);
  }
  proxy::Config config = testsupport::test_config();
  config.upstream_ca = ca.string();
  config.resolve.push_back({"localhost", origin.port(), "127.0.0.1"});
  auto server = net::ProxyServer::start(config, std::make_shared<flow::MemorySink>(), std::make_shared<NoLeaves>());
  ASSERT_TRUE(server) << server.error().message;

  const std::string url = "https://localhost:" + std::to_string(origin.port()) + "/secure";
  flow::Flow flow = replay_and_wait(**server, recorded("8-1", "GET", url));
  EXPECT_EQ(origin.received().substr(0, 24), "GET /secure HTTP/1.1\r\nHo");
  EXPECT_EQ(flow.error, "");
  EXPECT_EQ(flow.replay_of, "8-1");
  EXPECT_EQ(flow.scheme, "https");
  EXPECT_EQ(flow.request.url, url);
  ASSERT_TRUE(flow.response);
  EXPECT_EQ(flow.response->body.data, "GET /secure HTTP/1.1");
  ASSERT_TRUE(flow.tls);
  EXPECT_EQ(flow.tls->upstream_verify, "ok");
  (*server)->shutdown();
  std::filesystem::remove(ca);
}

TEST_F(ReplayTest, UnverifiedOriginIsRefusedWithTheReason) {
  OneShotTlsOrigin origin("localhost");  // not trusted: no --upstream-ca
  proxy::Config config = testsupport::test_config();
  config.resolve.push_back({"localhost", origin.port(), "127.0.0.1"});
  auto server = net::ProxyServer::start(config, std::make_shared<flow::MemorySink>(), std::make_shared<NoLeaves>());
  ASSERT_TRUE(server) << server.error().message;
  flow::Flow flow =
      replay_and_wait(**server, recorded("8-2", "GET", "https://localhost:" + std::to_string(origin.port()) + "/"));
  EXPECT_NE(flow.error.find("failed verification"), std::string::npos) << flow.error;
  EXPECT_EQ(flow.replay_of, "8-2");
  ASSERT_TRUE(flow.response);
  EXPECT_EQ(flow.response->status, 502);
  (*server)->shutdown();
}

TEST_F(ReplayTest, WhatCannotBeReplayedIsRefusedAtOnce) {
  start();
  flow::Flow tunnel;
  tunnel.id = "1-1";
  tunnel.scheme = "tunnel";
  tunnel.tunnel = flow::Tunnel{"x", 443, 0, 0, 0, {}};
  auto result = server().replay(tunnel, [](flow::Flow) { ADD_FAILURE() << "nothing should run"; });
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("blind tunnel"), std::string::npos);
  auto https = server().replay(recorded("1-2", "GET", "https://x.test/"), [](flow::Flow) {});
  ASSERT_FALSE(https) << "no interception: an https replay cannot be sent";
  EXPECT_NE(https.error().message.find("--no-intercept"), std::string::npos);
}

}  // namespace
}  // namespace flowscope::integration
