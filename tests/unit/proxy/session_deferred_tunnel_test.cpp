// Config::defer_tunnel_connect (server replay): an intercepted CONNECT is answered and
// its TLS terminated before any origin connection exists, so a hook can answer https
// requests with the origin offline; the origin is connected only when something must
// go there. Real TLS endpoints in memory play the browser and the origin.
#include <gtest/gtest.h>

#include "core/proxy/host_policy.hpp"
#include "core/server_replay/server_replay_hook.hpp"
#include "core/tls/contexts.hpp"
#include "minting_certificates.hpp"
#include "session_harness.hpp"
#include "tests/unit/server_replay/recorded_flows.hpp"
#include "tests/unit/tls/self_signed.hpp"

namespace flowscope::proxy::testing {
namespace {

using tls::Endpoint;
using tls::EndpointState;

constexpr std::string_view kEstablished = "HTTP/1.1 200 Connection Established\r\n\r\n";

class DeferredTunnel : public ::testing::Test {
 protected:
  void SetUp() override {
    origin_identity_ = tls::testing::make_self_signed("origin.test");
    client_facing_ = std::move(*tls::make_client_facing_context());
    origin_facing_ = std::move(*tls::make_origin_facing_context({}));
    X509_STORE_add_cert(SSL_CTX_get_cert_store(origin_facing_.get()), origin_identity_.cert.get());
    policy_ = std::move(*HostPolicy::create({}));
    interception_ = Interception{client_facing_.get(), origin_facing_.get(), &certificates_, false};
    using server_replay::testing::exchange;
    using server_replay::testing::request;
    auto book = std::make_shared<server_replay::RecordedResponses>(
        std::vector<flow::Flow>{exchange("4-1", request("GET", "https://origin.test/known?a=1&b=2"), 200,
                                         "served offline")},
        server_replay::MatchRules{});
    server_replay::ServerReplayOptions options;
    options.passthrough = true;
    hook_.emplace(book, options);
    config_.defer_tunnel_connect = true;
  }

  void open_tunnel(const std::string& target = "origin.test:443") {
    harness_.emplace(config_, &interception_, policy_.get(), "127.0.0.1:50000", &*hook_);
    harness_->client("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n");
    ASSERT_EQ(harness_->take_client_bytes(), kEstablished) << "answered before any connection";
    ASSERT_EQ(harness_->count<OpenConnection>(), 0u);
  }

  // The browser's handshake with the proxy, which needs no origin.
  void handshake() {
    browser_ctx_.reset(SSL_CTX_new(TLS_client_method()));
    SSL_CTX_set_verify(browser_ctx_.get(), SSL_VERIFY_PEER, nullptr);
    browser_.emplace(std::move(*Endpoint::client(browser_ctx_.get(), "origin.test", true)));
    browser_->start();
    harness_->client(browser_->take_ciphertext());
    ASSERT_EQ(certificates_.names, std::vector<std::string>{"origin.test"});
    X509_STORE_add_cert(SSL_CTX_get_cert_store(browser_ctx_.get()), certificates_.last->cert.get());
    pump();
    ASSERT_EQ(browser_->state(), EndpointState::kEstablished) << browser_->error();
  }

  void pump() {
    for (int i = 0; i < 30; ++i) {
      bool moved = false;
      if (std::string b = harness_->take_client_bytes(); !b.empty()) browser_->receive(b), moved = true;
      if (std::string b = browser_->take_ciphertext(); !b.empty()) harness_->client(b), moved = true;
      if (origin_) {
        if (std::string b = harness_->take_upstream_bytes(); !b.empty()) origin_->receive(b), moved = true;
        if (std::string b = origin_->take_ciphertext(); !b.empty()) harness_->upstream(b), moved = true;
      }
      if (!moved) return;
    }
  }

  tls::testing::SelfSigned origin_identity_;
  tls::SslCtxPtr client_facing_;
  tls::SslCtxPtr origin_facing_;
  tls::SslCtxPtr browser_ctx_;
  std::unique_ptr<HostPolicy> policy_;
  MintingCertificates certificates_;
  Interception interception_;
  Config config_;
  std::optional<server_replay::ServerReplayHook> hook_;
  std::optional<SessionHarness> harness_;
  std::optional<Endpoint> browser_;
  std::optional<Endpoint> origin_;
};

TEST_F(DeferredTunnel, AnHttpsRequestIsServedWithNoOriginConnectionAtAll) {
  open_tunnel();
  handshake();
  EXPECT_FALSE(certificates_.saw_upstream) << "the leaf is minted for the server name alone";
  browser_->send("GET /known?b=2&a=1 HTTP/1.1\r\nHost: origin.test\r\n\r\n");
  pump();
  const std::string answer = browser_->take_plaintext();
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 200 OK\r\n")) << answer;
  EXPECT_TRUE(answer.ends_with("\r\n\r\nserved offline")) << answer;
  EXPECT_EQ(harness_->count<OpenConnection>(), 0u);

  auto flows = harness_->flows();
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0].scheme, "https");
  EXPECT_EQ(flows[0].request.url, "https://origin.test/known?b=2&a=1");
  EXPECT_EQ(flows[0].served_from, "4-1");
  ASSERT_TRUE(flows[0].tls);
  EXPECT_EQ(flows[0].tls->sni, "origin.test");
  EXPECT_EQ(flows[0].tls->client.version, "TLSv1.3");
  EXPECT_EQ(flows[0].tls->upstream_verify, "") << "no origin was spoken to";
}

TEST_F(DeferredTunnel, AForwardedRequestConnectsToTheOriginThenAndVerifiesIt) {
  open_tunnel();
  handshake();
  browser_->send("GET /new HTTP/1.1\r\nHost: origin.test\r\n\r\n");
  pump();
  auto opens = harness_->all<OpenConnection>();
  ASSERT_EQ(opens.size(), 1u);
  EXPECT_EQ(opens[0].host, "origin.test");
  EXPECT_EQ(opens[0].port, 443);
  origin_.emplace(std::move(*Endpoint::server(client_facing_.get(), origin_identity_.cert.get(),
                                              origin_identity_.key.get())));
  harness_->connected();
  pump();
  EXPECT_EQ(origin_->take_plaintext(), "GET /new HTTP/1.1\r\nHost: origin.test\r\n\r\n");
  origin_->send("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\norigin");
  pump();
  EXPECT_EQ(browser_->take_plaintext(), "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\norigin");
  auto flows = harness_->flows();
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0].served_from, "");
  EXPECT_EQ(flows[0].server_address, "127.0.0.1:9");

  // The connection stays with the tunnel; a recorded request is still served locally.
  browser_->send("GET /known?a=1&b=2 HTTP/1.1\r\nHost: origin.test\r\n\r\n");
  pump();
  EXPECT_TRUE(browser_->take_plaintext().ends_with("served offline"));
  EXPECT_EQ(harness_->count<OpenConnection>(), 1u);
}

TEST_F(DeferredTunnel, AnUntrustedOriginIsRefusedWhenARequestReachesIt) {
  origin_facing_ = std::move(*tls::make_origin_facing_context({}));  // trusts nothing of ours
  interception_ = Interception{client_facing_.get(), origin_facing_.get(), &certificates_, false};
  open_tunnel();
  handshake();
  browser_->send("GET /new HTTP/1.1\r\nHost: origin.test\r\n\r\n");
  pump();
  origin_.emplace(std::move(*Endpoint::server(client_facing_.get(), origin_identity_.cert.get(),
                                              origin_identity_.key.get())));
  harness_->connected();
  pump();
  const std::string answer = browser_->take_plaintext();
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 502 Bad Gateway\r\n")) << answer;
  EXPECT_NE(answer.find("self-signed certificate"), std::string::npos) << answer;
  EXPECT_EQ(origin_->take_plaintext(), "") << "nothing was forwarded";
}

TEST_F(DeferredTunnel, PlainHttpInTheTunnelIsServedToo) {
  using server_replay::testing::exchange;
  using server_replay::testing::request;
  hook_.emplace(std::make_shared<server_replay::RecordedResponses>(
                    std::vector<flow::Flow>{exchange("5-1", request("GET", "http://origin.test/plain"), 200, "plain")},
                    server_replay::MatchRules{}),
                server_replay::ServerReplayOptions{});
  open_tunnel("origin.test:80");
  harness_->client("GET /plain HTTP/1.1\r\nHost: origin.test\r\n\r\n");
  EXPECT_TRUE(harness_->take_client_bytes().ends_with("\r\n\r\nplain"));
  EXPECT_EQ(harness_->count<OpenConnection>(), 0u);
  EXPECT_EQ(harness_->flows().at(0).served_from, "5-1");
}

TEST_F(DeferredTunnel, AnythingElseConnectsAndIsRelayedBlind) {
  open_tunnel("origin.test:22");
  harness_->client("SSH-2.0-client\r\n");
  auto opens = harness_->all<OpenConnection>();
  ASSERT_EQ(opens.size(), 1u);
  EXPECT_EQ(opens[0].port, 22);
  EXPECT_EQ(harness_->take_upstream_bytes(), "") << "held until the origin is connected";
  harness_->connected();
  EXPECT_EQ(harness_->take_upstream_bytes(), "SSH-2.0-client\r\n");
  harness_->upstream("SSH-2.0-OpenSSH_9.2\r\n");
  EXPECT_EQ(harness_->take_client_bytes(), "SSH-2.0-OpenSSH_9.2\r\n");
  EXPECT_TRUE(certificates_.names.empty());
}

TEST_F(DeferredTunnel, ABlindTunnelWhoseOriginIsDownClosesWithoutAnHttpAnswer) {
  open_tunnel("origin.test:22");
  harness_->client("SSH-2.0-client\r\n");
  harness_->failed(UpstreamFailureKind::kRefused, "connection refused");
  EXPECT_EQ(harness_->take_client_bytes(), "") << "the client has its 200: an HTTP 502 would be tunnel bytes";
  EXPECT_TRUE(harness_->closed());
  auto flows = harness_->flows();
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0].scheme, "tunnel");
  EXPECT_NE(flows[0].error.find("connection refused"), std::string::npos) << flows[0].error;
}

TEST_F(DeferredTunnel, AnIgnoredHostConnectsAtOnceAsAlways) {
  HostPolicyOptions options;
  options.ignore = {"^origin\\.test$"};
  policy_ = std::move(*HostPolicy::create(std::move(options)));
  harness_.emplace(config_, &interception_, policy_.get(), "127.0.0.1:50000", &*hook_);
  harness_->client("CONNECT origin.test:443 HTTP/1.1\r\n\r\n");
  EXPECT_EQ(harness_->count<OpenConnection>(), 1u);
  EXPECT_EQ(harness_->take_client_bytes(), "") << "200 only once connected";
  harness_->connected();
  EXPECT_EQ(harness_->take_client_bytes(), kEstablished);
}

}  // namespace
}  // namespace flowscope::proxy::testing
