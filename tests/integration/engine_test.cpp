// engine::Engine, the way the CLI and the GUI start the proxy: a real request
// through it to a loopback origin, its store, hooks and replay, stop from another
// thread, and start failures that say what went wrong.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <future>
#include <thread>

#include "core/engine/engine.hpp"
#include "proxy_fixture.hpp"
#include "tests/support/one_shot_tls_origin.hpp"
#include "tests/unit/ca/ca_test_support.hpp"

namespace flowscope::integration {
namespace {

using ca::testing::TempDir;

// 127.0.0.1:0, one worker, the CA in `home`.
engine::EngineOptions loopback_options(const TempDir& home) {
  engine::EngineOptions options;
  options.config = testsupport::test_config();
  options.ca.home = home.path().string();
  return options;
}

std::string get_via(std::uint16_t proxy_port, const OriginServer& origin, const std::string& path) {
  TestClient client(proxy_port);
  EXPECT_TRUE(client.connected()) << client.connect_error();
  client.send("GET " + origin.url(path) + " HTTP/1.1\r\nHost: " + origin.authority() + "\r\n\r\n");
  HttpResponse response = client.read_response();
  EXPECT_TRUE(response.complete) << response.error;
  return std::to_string(response.status()) + " " + response.body;
}

std::vector<std::string> lines_of(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Answers every request head itself; the origin is never asked.
class AnswerLocally : public proxy::Hook {
 public:
  proxy::HookAnswer on_hook(proxy::HookPoint point, flow::Flow&) override {
    if (point != proxy::HookPoint::kRequestHead) return proxy::HookAnswer::proceed();
    return proxy::HookAnswer::answer(proxy::LocalResponse{203, {}, "from the hook"});
  }
};

TEST(Engine, StartsOnAnOsPickedPortCarriesARequestAndStops) {
  TempDir home;
  OriginServer origin(OriginServer::fixed(200, "hello"));
  auto sink = std::make_shared<testsupport::RecordingSink>();
  engine::EngineOptions options = loopback_options(home);
  options.store.path = (home.path() / "flows.jsonl").string();
  engine::Engine engine(std::move(options));
  engine.add_sink(sink);

  auto started = engine.start();
  ASSERT_TRUE(started) << started.error().message;
  ASSERT_NE(engine.bound_port(), 0);
  EXPECT_EQ(engine.listen_address(), "127.0.0.1:" + std::to_string(engine.bound_port()));
  ASSERT_TRUE(engine.ca());
  EXPECT_EQ(engine.ca()->cert_pem, home.path() / "ca-cert.pem");
  EXPECT_TRUE(engine.ca()->created);
  EXPECT_FALSE(engine.ca()->fingerprint_sha256.empty());

  EXPECT_EQ(get_via(engine.bound_port(), origin, "/through-the-engine"), "200 hello");
  auto flows = sink->wait_for_flows(1);
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0].request.url, origin.url("/through-the-engine"));

  engine.stop();
  engine.stop();  // a second stop is a no-op
  EXPECT_GE(sink->flush_count(), 1);
  auto stored = lines_of(home.path() / "flows.jsonl");
  ASSERT_EQ(stored.size(), 1u) << "the store got the flow, flushed by stop()";
  EXPECT_NE(stored[0].find("/through-the-engine"), std::string::npos) << stored[0];
}

TEST(Engine, StopFromAnotherThreadEndsWait) {
  TempDir home;
  engine::EngineOptions options = loopback_options(home);
  options.intercept = false;
  engine::Engine engine(std::move(options));
  ASSERT_TRUE(engine.start());
  EXPECT_FALSE(engine.ca()) << "no CA without interception";
  std::thread stopper([&] { engine.stop(); });
  engine.wait();
  stopper.join();
}

TEST(Engine, HooksAreAskedAndReplayGoesThroughTheLivePath) {
  TempDir home;
  OriginServer origin(OriginServer::fixed(200, "origin"));
  auto sink = std::make_shared<testsupport::RecordingSink>();
  engine::EngineOptions options = loopback_options(home);
  options.intercept = false;
  options.sinks.push_back(sink);
  engine::Engine engine(std::move(options));
  engine.add_hook(std::make_shared<AnswerLocally>());
  ASSERT_TRUE(engine.start());

  EXPECT_EQ(get_via(engine.bound_port(), origin, "/hooked"), "203 from the hook");
  auto flows = sink->wait_for_flows(1);
  ASSERT_EQ(flows.size(), 1u);

  std::promise<flow::Flow> replayed;
  auto sent = engine.replay(flows[0], [&](flow::Flow f) { replayed.set_value(std::move(f)); });
  ASSERT_TRUE(sent) << sent.error().message;
  flow::Flow replay = replayed.get_future().get();
  EXPECT_EQ(replay.replay_of, flows[0].id);
  ASSERT_TRUE(replay.response);
  EXPECT_EQ(replay.response->status, 203) << "the replay met the same hook";
  EXPECT_EQ(origin.requests().size(), 0u);
}

// A breakpoint on POST: holds the request whole, pauses at its end, and hands the
// pause to the test thread, as the GUI's breakpoint list will.
class PauseEveryPost : public proxy::Hook {
 public:
  proxy::HookAnswer on_hook(proxy::HookPoint point, flow::Flow& flow) override {
    if (flow.request.method != "POST") return proxy::HookAnswer::proceed();
    if (point == proxy::HookPoint::kRequestHead) return proxy::HookAnswer::hold();
    if (point != proxy::HookPoint::kRequestEnd) return proxy::HookAnswer::proceed();
    return proxy::HookAnswer::pause([this, seen = flow](std::shared_ptr<proxy::PausedExchange> handle) {
      paused.set_value({seen, std::move(handle)});
    });
  }
  std::promise<std::pair<flow::Flow, std::shared_ptr<proxy::PausedExchange>>> paused;
};

// Plain proxying (no CA), recording into `sink`, with `breakpoint` as the hook.
engine::EngineOptions breakpoint_options(const TempDir& home, std::shared_ptr<testsupport::RecordingSink> sink,
                                         std::shared_ptr<PauseEveryPost> breakpoint) {
  engine::EngineOptions options = loopback_options(home);
  options.intercept = false;
  options.sinks.push_back(std::move(sink));
  options.hooks.push_back(std::move(breakpoint));
  return options;
}

TEST(Engine, APausedExchangeWaitsForItsAnswerFromAnotherThreadAndBlocksNoOtherConnection) {
  TempDir home;
  OriginServer origin(OriginServer::echo());
  auto sink = std::make_shared<testsupport::RecordingSink>();
  auto breakpoint = std::make_shared<PauseEveryPost>();
  engine::Engine engine(breakpoint_options(home, sink, breakpoint));
  ASSERT_TRUE(engine.start());

  TestClient paused_client(engine.bound_port());
  ASSERT_TRUE(paused_client.connected());
  paused_client.send("POST " + origin.url("/pause-me") + " HTTP/1.1\r\nHost: " + origin.authority() +
                     "\r\nContent-Length: 8\r\n\r\noriginal");
  auto [seen, handle] = breakpoint->paused.get_future().get();
  EXPECT_EQ(seen.request.body.data, "original") << "held: the breakpoint sees the whole request";
  EXPECT_EQ(origin.requests().size(), 0u) << "nothing reached the origin while paused";

  // Another connection goes through while the first waits.
  EXPECT_EQ(get_via(engine.bound_port(), origin, "/meanwhile").substr(0, 3), "200");
  ASSERT_EQ(origin.requests().size(), 1u);

  flow::Flow edited = seen;
  edited.request.body.data = "edited in the GUI";
  std::thread answerer([handle = handle, edited] { handle->resume(proxy::HookAnswer::modified(), edited); });
  answerer.join();
  HttpResponse response = paused_client.read_response();
  ASSERT_TRUE(response.complete) << response.error;
  EXPECT_EQ(response.status(), 200);
  auto requests = origin.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].body, "edited in the GUI");
  auto flows = sink->wait_for_flows(2);
  ASSERT_EQ(flows.size(), 2u);

  engine.stop();
}

TEST(Engine, AnExchangeLeftPausedAtStopIsRecordedAsCutAndALateAnswerIsDropped) {
  TempDir home;
  OriginServer origin(OriginServer::echo());
  auto sink = std::make_shared<testsupport::RecordingSink>();
  auto breakpoint = std::make_shared<PauseEveryPost>();
  engine::EngineOptions options = breakpoint_options(home, sink, breakpoint);
  options.config.shutdown_grace_ms = 50;
  std::shared_ptr<proxy::PausedExchange> handle;
  {
    engine::Engine engine(std::move(options));
    ASSERT_TRUE(engine.start());
    TestClient client(engine.bound_port());
    client.send("POST " + origin.url("/left") + " HTTP/1.1\r\nHost: " + origin.authority() +
                "\r\nContent-Length: 1\r\n\r\nx");
    handle = breakpoint->paused.get_future().get().second;
    engine.stop();
    auto flows = sink->wait_for_flows(1);
    ASSERT_EQ(flows.size(), 1u);
    EXPECT_EQ(flows[0].error, "flowscope shut down before the exchange finished");
  }
  handle->resume(proxy::HookAnswer::proceed());  // its worker is gone: nothing happens
  EXPECT_EQ(origin.requests().size(), 0u);
}

TEST(Engine, APortInUseIsAClearStartError) {
  TempDir home;
  OriginServer taken(OriginServer::fixed(200, ""));  // listens on 127.0.0.1 without SO_REUSEPORT
  engine::EngineOptions options = loopback_options(home);
  options.intercept = false;
  options.config.listen_port = taken.port();
  engine::Engine engine(std::move(options));
  auto started = engine.start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().step, engine::StartError::Step::kServer);
  EXPECT_EQ(started.error().message, "address 127.0.0.1:" + std::to_string(taken.port()) +
                                         " is in use: pass --listen 127.0.0.1:0 (any free port) or another port");
  EXPECT_EQ(engine.bound_port(), 0);
  engine.stop();  // harmless after a failed start
}

TEST(Engine, AnUnusableCaIsAClearStartError) {
  TempDir home;
  ca::testing::write_text(home.path() / "ca-cert.pem", "not a certificate, and no key beside it\n");
  engine::Engine engine(loopback_options(home));
  auto started = engine.start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().step, engine::StartError::Step::kCa);
  EXPECT_NE(started.error().message.find("ca-key.pem"), std::string::npos) << started.error().message;
  EXPECT_NE(started.error().message.find("--no-intercept"), std::string::npos) << started.error().message;
}

TEST(Engine, AnUnwritableStoreIsAStoreStartError) {
  TempDir home;
  engine::EngineOptions options = loopback_options(home);
  options.intercept = false;
  options.store.path = (home.path() / "no-such-dir" / "flows.jsonl").string();
  engine::Engine engine(std::move(options));
  auto started = engine.start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().step, engine::StartError::Step::kStore);
  EXPECT_FALSE(engine.start()) << "start() runs once";
}

// The certificate a TLS client without SNI gets from 127.0.0.1:port.
std::shared_ptr<X509> certificate_without_sni(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return nullptr;
  }
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  std::shared_ptr<X509> cert;
  if (SSL_connect(ssl) == 1) cert.reset(SSL_get1_peer_certificate(ssl), X509_free);
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  ::close(fd);
  return cert;
}

TEST(Engine, OnAWildcardAddressTheProxyCertificateNamesTheAddressTheClientReached) {
  for (const char* wildcard : {"0.0.0.0", "::"}) {
    SCOPED_TRACE(wildcard);
    TempDir home;
    engine::EngineOptions options = loopback_options(home);
    options.config.listen_host = wildcard;
    engine::Engine engine(std::move(options));
    auto started = engine.start();
    ASSERT_TRUE(started) << started.error().message;
    auto cert = certificate_without_sni(engine.bound_port());
    ASSERT_TRUE(cert) << "no TLS handshake with the proxy itself";
    EXPECT_EQ(X509_check_ip_asc(cert.get(), "127.0.0.1", 0), 1) << "the leaf must name 127.0.0.1";
    EXPECT_NE(X509_check_ip_asc(cert.get(), wildcard, 0), 1) << "the leaf must not name the wildcard";
  }
}

// A TLS client that trusts nothing: it refuses the minted leaf with an unknown_ca alert.
void refuse_the_proxy_certificate(std::uint16_t proxy_port, std::uint16_t origin_port) {
  TestClient client(proxy_port);
  ASSERT_TRUE(client.connected()) << client.connect_error();
  const std::string authority = "localhost:" + std::to_string(origin_port);
  client.send("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n");
  ASSERT_EQ(client.read_connect_response().status(), 200);
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);  // and no trusted CA at all
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, client.fd());
  SSL_set_tlsext_host_name(ssl, "localhost");
  EXPECT_NE(SSL_connect(ssl), 1) << "the handshake must fail: the CA is not trusted";
  SSL_free(ssl);
  SSL_CTX_free(ctx);
}

TEST(Engine, ALearnedPassthroughIsANoticeToTheSinks) {
  TempDir home;
  testsupport::OneShotTlsOrigin origin("localhost");
  auto sink = std::make_shared<testsupport::RecordingSink>();
  engine::EngineOptions options = loopback_options(home);
  options.config.insecure = true;  // the origin's self-signed certificate is not what is tested
  options.config.resolve.push_back({"localhost", origin.port(), "127.0.0.1"});
  engine::Engine engine(std::move(options));
  engine.add_sink(sink);
  auto started = engine.start();
  ASSERT_TRUE(started) << started.error().message;

  refuse_the_proxy_certificate(engine.bound_port(), origin.port());
  auto flows = sink->wait_for_flows(1);
  ASSERT_EQ(flows.size(), 1u);
  const auto notices = sink->notices();
  ASSERT_EQ(notices.size(), 1u) << "one notice for the learned passthrough";
  EXPECT_NE(notices[0].find("localhost"), std::string::npos) << notices[0];
  EXPECT_NE(notices[0].find("passthrough"), std::string::npos) << notices[0];
  engine.stop();
}

}  // namespace
}  // namespace flowscope::integration
