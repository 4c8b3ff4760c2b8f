// Interception through proxy::Session, with real TLS endpoints on both sides, all
// in memory: a client Endpoint plays the browser, a server Endpoint the origin.
#include <gtest/gtest.h>

#include "core/proxy/host_policy.hpp"
#include "core/proxy/replay_request.hpp"
#include "core/tls/contexts.hpp"
#include "minting_certificates.hpp"
#include "session_harness.hpp"
#include "tests/unit/tls/self_signed.hpp"

namespace flowscope::proxy::testing {
namespace {

using tls::Endpoint;
using tls::EndpointState;

class SessionIntercept : public ::testing::Test {
 protected:
  void SetUp() override {
    origin_identity_ = tls::testing::make_self_signed("origin.test");
    client_facing_ = std::move(*tls::make_client_facing_context());
    origin_facing_ = std::move(*tls::make_origin_facing_context({}));
    HostPolicyOptions options;
    options.now_ms = [this] { return now_ms_; };
    policy_ = std::move(*HostPolicy::create(std::move(options)));
  }

  TunnelMode decide(const std::string& client, const std::string& host) const {
    return policy_->decide({client, host, std::string()});
  }

  void trust_origin() {
    X509_STORE_add_cert(SSL_CTX_get_cert_store(origin_facing_.get()), origin_identity_.cert.get());
  }

  // `sni` is what the browser puts in its ClientHello.
  void start(bool client_trusts_leaf = true, const std::string& sni = "origin.test",
             const std::string& client_address = "127.0.0.1:50000") {
    interception_ = Interception{client_facing_.get(), origin_facing_.get(), &certificates_, false};
    harness_.emplace(Config{}, &interception_, policy_.get(), client_address);
    harness_->client("CONNECT origin.test:443 HTTP/1.1\r\nHost: origin.test:443\r\n\r\n");
    harness_->connected();
    ASSERT_EQ(harness_->take_client_bytes(), "HTTP/1.1 200 Connection Established\r\n\r\n");

    browser_ctx_.reset(SSL_CTX_new(TLS_client_method()));
    SSL_CTX_set_verify(browser_ctx_.get(), SSL_VERIFY_PEER, nullptr);
    browser_.emplace(std::move(*Endpoint::client(browser_ctx_.get(), sni, sni == "origin.test")));
    origin_.emplace(std::move(*Endpoint::server(client_facing_.get(), origin_identity_.cert.get(),
                                                origin_identity_.key.get())));
    browser_->start();
    harness_->client(browser_->take_ciphertext());
    // The origin handshake runs first; the leaf can only be minted after it.
    pump_origin();
    ASSERT_FALSE(certificates_.names.empty());
    if (client_trusts_leaf) {
      X509_STORE_add_cert(SSL_CTX_get_cert_store(browser_ctx_.get()), certificates_.last->cert.get());
    }
    pump();
  }

  void pump_origin() {
    for (int i = 0; i < 20; ++i) {
      std::string to_origin = harness_->take_upstream_bytes();
      std::string from_origin = origin_->take_ciphertext();
      if (to_origin.empty() && from_origin.empty()) return;
      if (!to_origin.empty()) origin_->receive(to_origin);
      if (!from_origin.empty()) harness_->upstream(from_origin);
      from_origin = origin_->take_ciphertext();
      if (!from_origin.empty()) harness_->upstream(from_origin);
    }
  }

  void pump() {
    for (int i = 0; i < 30; ++i) {
      bool moved = false;
      if (std::string b = harness_->take_client_bytes(); !b.empty()) browser_->receive(b), moved = true;
      if (std::string b = browser_->take_ciphertext(); !b.empty()) harness_->client(b), moved = true;
      if (std::string b = harness_->take_upstream_bytes(); !b.empty()) origin_->receive(b), moved = true;
      if (std::string b = origin_->take_ciphertext(); !b.empty()) harness_->upstream(b), moved = true;
      if (!moved) return;
    }
  }

  tls::testing::SelfSigned origin_identity_;
  tls::SslCtxPtr client_facing_;
  tls::SslCtxPtr origin_facing_;
  tls::SslCtxPtr browser_ctx_;
  std::int64_t now_ms_ = 1'000;
  std::unique_ptr<HostPolicy> policy_;
  MintingCertificates certificates_;
  Interception interception_;
  std::optional<SessionHarness> harness_;
  std::optional<Endpoint> browser_;
  std::optional<Endpoint> origin_;
};

TEST_F(SessionIntercept, DecryptsRequestAndResponse) {
  trust_origin();
  start();
  ASSERT_EQ(browser_->state(), EndpointState::kEstablished) << browser_->error();
  EXPECT_EQ(certificates_.names, std::vector<std::string>{"origin.test"});
  EXPECT_TRUE(certificates_.saw_upstream);  // the leaf copies the origin's names

  browser_->send("GET /secret?x=1 HTTP/1.1\r\nHost: origin.test\r\n\r\n");
  pump();
  EXPECT_EQ(origin_->take_plaintext(), "GET /secret?x=1 HTTP/1.1\r\nHost: origin.test\r\n\r\n");
  origin_->send("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecret");
  pump();
  EXPECT_EQ(browser_->take_plaintext(), "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecret");

  auto flows = harness_->flows();
  ASSERT_EQ(flows.size(), 1u);  // the CONNECT itself is not a flow
  EXPECT_EQ(flows[0].scheme, "https");
  EXPECT_EQ(flows[0].request.url, "https://origin.test/secret?x=1");
  EXPECT_EQ(flows[0].response->body.data, "secret");
  ASSERT_TRUE(flows[0].tls);
  EXPECT_EQ(flows[0].tls->sni, "origin.test");
  EXPECT_EQ(flows[0].tls->upstream_verify, "ok");
  EXPECT_EQ(flows[0].tls->client.version, "TLSv1.3");
  EXPECT_EQ(flows[0].tls->server.alpn, "http/1.1");
  EXPECT_NE(flows[0].tls->server_cert_subject.find("origin.test"), std::string::npos);

  // A second request reuses the tunnel's origin connection.
  browser_->send("GET /again HTTP/1.1\r\nHost: origin.test\r\n\r\n");
  pump();
  EXPECT_EQ(origin_->take_plaintext(), "GET /again HTTP/1.1\r\nHost: origin.test\r\n\r\n");
  EXPECT_EQ(harness_->count<OpenConnection>(), 1u);
}

TEST_F(SessionIntercept, UntrustedOriginGets502WithTheReason) {
  start();  // the origin's self-signed certificate is not trusted
  ASSERT_EQ(browser_->state(), EndpointState::kEstablished) << browser_->error();
  browser_->send("GET / HTTP/1.1\r\nHost: origin.test\r\n\r\n");
  pump();
  const std::string answer = browser_->take_plaintext();
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 502 Bad Gateway\r\n")) << answer;
  EXPECT_NE(answer.find("self-signed certificate"), std::string::npos) << answer;
  EXPECT_NE(answer.find("--insecure"), std::string::npos);
  auto flows = harness_->flows();
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0].tls->upstream_verify, "self-signed certificate");
  EXPECT_EQ(origin_->take_plaintext(), "");  // nothing was forwarded
}

TEST_F(SessionIntercept, ClientRefusingOurCertificateIsRecordedAndPassedThrough) {
  trust_origin();
  start(/*client_trusts_leaf=*/false);
  EXPECT_EQ(browser_->state(), EndpointState::kFailed);
  EXPECT_TRUE(harness_->closed());
  auto flows = harness_->flows();
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_NE(flows[0].error.find("refused flowscope's certificate"), std::string::npos) << flows[0].error;
  EXPECT_NE(flows[0].error.find("is tunnelled blind for 127.0.0.1"), std::string::npos) << flows[0].error;
  EXPECT_EQ(decide("127.0.0.1", "origin.test"), TunnelMode::kBlind);
}

TEST_F(SessionIntercept, PassthroughIsPerClientAndExpires) {
  trust_origin();
  start(/*client_trusts_leaf=*/false, "origin.test", "127.0.0.2:40000");
  ASSERT_EQ(decide("127.0.0.2", "origin.test"), TunnelMode::kBlind);
  EXPECT_EQ(decide("127.0.0.1", "origin.test"), TunnelMode::kIntercept) << "another client is not blinded";
  EXPECT_EQ(decide("127.0.0.2", "other.test"), TunnelMode::kIntercept) << "another host is not blinded";
  now_ms_ += 10 * 60 * 1000 - 1;
  EXPECT_EQ(decide("127.0.0.2", "origin.test"), TunnelMode::kBlind);
  now_ms_ += 1;
  EXPECT_TRUE(policy_->passthrough().empty()) << "an expired entry is not listed, even before a lookup";
  EXPECT_EQ(decide("127.0.0.2", "origin.test"), TunnelMode::kIntercept) << "passthrough expires after 10 minutes";
  EXPECT_TRUE(policy_->passthrough().empty());
}

TEST_F(SessionIntercept, ForgottenPassthroughIsInterceptedAgain) {
  trust_origin();
  start(/*client_trusts_leaf=*/false);
  ASSERT_EQ(policy_->passthrough().size(), 1u);
  EXPECT_EQ(policy_->passthrough()[0].host, "origin.test");
  policy_->forget_passthrough("127.0.0.1", "origin.test");
  EXPECT_EQ(decide("127.0.0.1", "origin.test"), TunnelMode::kIntercept);
}

TEST_F(SessionIntercept, ClientClosingMidHandshakeIsNotARefusal) {
  trust_origin();
  interception_ = Interception{client_facing_.get(), origin_facing_.get(), &certificates_, false};
  harness_.emplace(Config{}, &interception_, policy_.get());
  harness_->client("CONNECT origin.test:443 HTTP/1.1\r\n\r\n");
  harness_->connected();
  harness_->take_client_bytes();
  browser_ctx_.reset(SSL_CTX_new(TLS_client_method()));
  browser_.emplace(std::move(*Endpoint::client(browser_ctx_.get(), "origin.test", false)));
  origin_.emplace(std::move(*Endpoint::server(client_facing_.get(), origin_identity_.cert.get(),
                                              origin_identity_.key.get())));
  browser_->start();
  harness_->client(browser_->take_ciphertext());
  pump_origin();
  ASSERT_FALSE(certificates_.names.empty());
  // Go's HTTP client at exit: the connection closes before the handshake ends, no alert.
  harness_->client_eof();
  EXPECT_TRUE(harness_->closed());
  auto flows = harness_->flows();
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0].error.find("refused"), std::string::npos) << flows[0].error;
  EXPECT_EQ(decide("127.0.0.1", "origin.test"), TunnelMode::kIntercept) << "an EOF must not turn on passthrough";
  EXPECT_TRUE(policy_->passthrough().empty());
}

TEST_F(SessionIntercept, SniWithAPortFallsBackToTheConnectHost) {
  trust_origin();
  start(/*client_trusts_leaf=*/true, "origin.test:8443");
  ASSERT_EQ(browser_->state(), EndpointState::kEstablished) << browser_->error();
  EXPECT_EQ(certificates_.names, std::vector<std::string>{"origin.test"});
  browser_->send("GET / HTTP/1.1\r\nHost: origin.test\r\n\r\n");
  pump();
  origin_->send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  pump();
  EXPECT_EQ(browser_->take_plaintext(), "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  auto flows = harness_->flows();
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0].error, "");
  EXPECT_EQ(flows[0].tls->sni, "origin.test:8443") << "the SNI is recorded as sent";
  EXPECT_EQ(flows[0].tls->upstream_verify, "ok") << "the origin is verified as origin.test";
}

TEST_F(SessionIntercept, IgnoredHostIsTunnelledBlind) {
  HostPolicyOptions options;
  options.ignore = {"^origin\\.test$"};
  policy_ = std::move(*HostPolicy::create(std::move(options)));
  interception_ = Interception{client_facing_.get(), origin_facing_.get(), &certificates_, false};
  SessionHarness h(Config{}, &interception_, policy_.get());
  h.client("CONNECT origin.test:443 HTTP/1.1\r\n\r\n");
  h.connected();
  h.client("\x16\x03\x01 raw bytes");
  EXPECT_EQ(h.take_upstream_bytes(), "\x16\x03\x01 raw bytes");
  EXPECT_TRUE(certificates_.names.empty());
}

TEST_F(SessionIntercept, PlainHttpInsideTheTunnelIsParsed) {
  interception_ = Interception{client_facing_.get(), origin_facing_.get(), &certificates_, false};
  SessionHarness h(Config{}, &interception_, policy_.get());
  h.client("CONNECT origin.test:80 HTTP/1.1\r\n\r\n");
  h.connected();
  h.take_client_bytes();
  h.client("GET /plain HTTP/1.1\r\nHost: origin.test\r\n\r\n");
  EXPECT_EQ(h.take_upstream_bytes(), "GET /plain HTTP/1.1\r\nHost: origin.test\r\n\r\n");
  h.upstream("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  EXPECT_EQ(h.flows()[0].request.url, "http://origin.test/plain");
}

TEST_F(SessionIntercept, ServerFirstProtocolIsRelayedBlind) {
  interception_ = Interception{client_facing_.get(), origin_facing_.get(), &certificates_, false};
  SessionHarness h(Config{}, &interception_, policy_.get());
  h.client("CONNECT origin.test:22 HTTP/1.1\r\n\r\n");
  h.connected();
  h.take_client_bytes();
  h.upstream("SSH-2.0-OpenSSH_9.2\r\n");
  EXPECT_EQ(h.take_client_bytes(), "SSH-2.0-OpenSSH_9.2\r\n");
  h.client("SSH-2.0-client\r\n");
  EXPECT_EQ(h.take_upstream_bytes(), "SSH-2.0-client\r\n");
}

TEST_F(SessionIntercept, ReplayOfAnHttpsRequestOriginatesTlsWithoutClientTls) {
  trust_origin();
  flow::Flow original;
  original.id = "3-1";
  original.scheme = "https";
  // A method the tunnel sniffer does not know: a replay must not depend on it.
  original.request = {"PROPFIND", "https://origin.test/submit?x=1", "HTTP/1.1", {}, {}};
  original.request.headers.add("Host", "origin.test");
  original.request.headers.add("Content-Type", "text/plain");
  original.request.body.data = "hello";
  original.request.body.size = 5;
  auto plan = plan_replay(original);
  ASSERT_TRUE(plan) << plan.error().message;
  ASSERT_TRUE(plan->https);

  interception_ = Interception{client_facing_.get(), origin_facing_.get(), &certificates_, false};
  SessionOptions options;
  options.replay_of = original.id;
  options.replay_https = true;
  const Config config;  // the session keeps a reference: it must outlive it
  Session replay(config, *policy_, &interception_,
                 Clock{[] { return std::int64_t{1}; }, [] { return std::int64_t{2}; }}, 9, "replay",
                 std::move(options));
  replay.handle(Started{});
  replay.handle(DataReceived{kClientConnection, plan->client_bytes});
  auto commands = replay.take_commands();
  auto open = std::find_if(commands.begin(), commands.end(),
                           [](auto& c) { return std::holds_alternative<OpenConnection>(c); });
  ASSERT_NE(open, commands.end());
  EXPECT_EQ(std::get<OpenConnection>(*open).host, "origin.test");
  EXPECT_EQ(std::get<OpenConnection>(*open).port, 443);
  const ConnectionId upstream = std::get<OpenConnection>(*open).connection;
  replay.handle(Connected{upstream, UpstreamInfo{"127.0.0.1:443", false, 0.1, 0.2}});

  origin_.emplace(std::move(*Endpoint::server(client_facing_.get(), origin_identity_.cert.get(),
                                              origin_identity_.key.get())));
  std::string to_client;
  std::vector<flow::Flow> flows;
  auto drain = [&] {
    for (auto& c : replay.take_commands()) {
      if (auto* send = std::get_if<SendBytes>(&c)) {
        if (send->connection == upstream) origin_->receive(send->bytes);
        if (send->connection == kClientConnection) to_client += send->bytes;
      }
      if (auto* record = std::get_if<RecordFlow>(&c)) flows.push_back(record->flow);
    }
    std::string back = origin_->take_ciphertext();
    if (!back.empty()) replay.handle(DataReceived{upstream, back});
    return !back.empty();
  };
  for (int i = 0; i < 10 && drain();) ++i;
  EXPECT_EQ(origin_->take_plaintext(),
            "PROPFIND /submit?x=1 HTTP/1.1\r\nHost: origin.test\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello");
  origin_->send("HTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\ndone");
  for (int i = 0; i < 10 && drain();) ++i;
  EXPECT_TRUE(certificates_.names.empty()) << "a replay mints no leaf";
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0].replay_of, "3-1");
  EXPECT_EQ(flows[0].scheme, "https");
  EXPECT_EQ(flows[0].request.url, "https://origin.test/submit?x=1");
  EXPECT_EQ(flows[0].response->status, 201);
  EXPECT_EQ(flows[0].tls->upstream_verify, "ok");
  EXPECT_NE(to_client.find("201 Created"), std::string::npos);
}

}  // namespace
}  // namespace flowscope::proxy::testing
