#include "core/net/proxy_server.hpp"

#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "core/net/client_connection.hpp"
#include "core/net/uv_util.hpp"
#include "core/net/worker.hpp"
#include "core/proxy/host_policy.hpp"
#include "core/proxy/replay_request.hpp"
#include "core/tls/contexts.hpp"

namespace flowscope::net {

namespace {

class ProxyServerImpl final : public ProxyServer {
 public:
  ProxyServerImpl(proxy::Config config, std::shared_ptr<flow::FlowSink> sink,
                  std::shared_ptr<tls::CertificateSource> certificates, std::shared_ptr<const proxy::CaDownloads> downloads,
                  std::shared_ptr<proxy::Hook> hook)
      : config_(std::move(config)), sink_(std::move(sink)), certificates_(std::move(certificates)) {
    // The CA page answers first: it is the proxy's own, never the origin's.
    if (downloads) hooks_.add(std::make_shared<proxy::CaPageHook>(std::move(downloads)));
    if (hook) hooks_.add(std::move(hook));
  }
  ~ProxyServerImpl() override { shutdown(); }

  Result<void> start() {
    proxy::HostPolicyOptions policy_options;
    policy_options.ignore = config_.ignore_hosts;
    policy_options.allow = config_.allow_hosts;
    policy_options.auto_passthrough = config_.auto_passthrough;
    policy_options.passthrough_ttl_ms = config_.passthrough_ttl_ms;
    // On stderr as always, and to the sinks, so a viewer can show (and clear) passthrough.
    policy_options.log = [sink = sink_](const std::string& line) {
      std::fprintf(stderr, "flowscope: %s\n", line.c_str());
      if (sink) sink->on_notice(line);
    };
    auto policy = proxy::HostPolicy::create(std::move(policy_options));
    if (!policy) return std::unexpected(policy.error());
    policy_ = std::move(*policy);
    if (certificates_) {
      auto client_facing = tls::make_client_facing_context();
      if (!client_facing) return std::unexpected(client_facing.error());
      auto origin_facing = tls::make_origin_facing_context(
          tls::UpstreamTlsOptions{config_.insecure, config_.upstream_ca, config_.client_cert});
      if (!origin_facing) return std::unexpected(origin_facing.error());
      client_facing_ = std::move(*client_facing);
      origin_facing_ = std::move(*origin_facing);
      interception_ =
          proxy::Interception{client_facing_.get(), origin_facing_.get(), certificates_.get(), config_.insecure};
    }
    const proxy::Interception* interception = certificates_ ? &interception_ : nullptr;
    sockaddr_storage address;
    if (!parse_ip_literal(config_.listen_host, config_.listen_port, &address)) {
      return fail("--listen needs an IP address, e.g. 127.0.0.1:8080 or [::1]:8080 (got '" + config_.listen_host + "')");
    }
    unsigned threads = config_.threads != 0 ? config_.threads : std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < threads; ++i) {
      auto worker = std::make_unique<Worker>(config_, *policy_, interception, hooks_.empty() ? nullptr : &hooks_,
                                             *sink_, connection_ids_);
      auto port = worker->bind(reinterpret_cast<sockaddr*>(&address));
      if (!port) return std::unexpected(port.error());
      if (i == 0) {
        // With port 0 the first bind picks the port; the others share it.
        port_ = *port;
        reinterpret_cast<sockaddr_in*>(&address)->sin_port = htons(port_);
      }
      workers_.push_back(std::move(worker));
    }
    for (auto& worker : workers_) worker->start();
    return {};
  }

  std::uint16_t port() const override { return port_; }

  std::string address() const override {
    sockaddr_storage address;
    parse_ip_literal(config_.listen_host, port_, &address);
    return format_address(reinterpret_cast<sockaddr*>(&address));
  }

  void shutdown() override {
    std::unique_lock lock(mutex_);
    if (state_ == State::kStopped) return;
    if (state_ == State::kStopping) {
      stopped_.wait(lock, [&] { return state_ == State::kStopped; });
      return;
    }
    state_ = State::kStopping;
    lock.unlock();
    for (auto& worker : workers_) worker->request_shutdown();
    for (auto& worker : workers_) worker->join();
    if (sink_) sink_->flush();
    lock.lock();
    state_ = State::kStopped;
    stopped_.notify_all();
  }

  Result<void> replay(const flow::Flow& original, std::function<void(flow::Flow)> done) override {
    auto plan = proxy::plan_replay(original);
    if (!plan) return std::unexpected(plan.error());
    if (plan->https && !certificates_) {
      return fail("replaying " + original.request.url +
                  " needs the TLS setup of interception: start flowscope without --no-intercept");
    }
    proxy::SessionOptions options;
    options.replay_of = original.id;
    options.replay_https = plan->https;
    Worker& worker = *workers_[next_worker_++ % workers_.size()];
    const bool posted = worker.post(
        [&worker, bytes = std::move(plan->client_bytes), options = std::move(options), done = std::move(done)]() mutable {
          ClientConnection::replay(worker, std::move(bytes), std::move(options), std::move(done));
        });
    if (!posted) return fail("flowscope is shutting down: the replay of " + original.id + " was not sent");
    return {};
  }

  void wait() override {
    std::unique_lock lock(mutex_);
    stopped_.wait(lock, [&] { return state_ == State::kStopped; });
  }

 private:
  enum class State { kRunning, kStopping, kStopped };

  proxy::Config config_;
  std::shared_ptr<flow::FlowSink> sink_;
  std::shared_ptr<tls::CertificateSource> certificates_;
  proxy::HookChain hooks_;
  std::unique_ptr<proxy::HostPolicy> policy_;
  tls::SslCtxPtr client_facing_;
  tls::SslCtxPtr origin_facing_;
  proxy::Interception interception_;
  std::atomic<std::uint64_t> connection_ids_{0};
  std::vector<std::unique_ptr<Worker>> workers_;
  std::atomic<std::size_t> next_worker_{0};  // replays go round the workers
  std::uint16_t port_ = 0;
  std::mutex mutex_;
  std::condition_variable stopped_;
  State state_ = State::kRunning;
};

}  // namespace

Result<std::unique_ptr<ProxyServer>> ProxyServer::start(proxy::Config config, std::shared_ptr<flow::FlowSink> sink,
                                                       std::shared_ptr<tls::CertificateSource> certificates,
                                                       std::shared_ptr<const proxy::CaDownloads> downloads,
                                                       std::shared_ptr<proxy::Hook> hook) {
  // A peer that vanishes mid-write must be an error value, not a process-killing signal.
  std::signal(SIGPIPE, SIG_IGN);
  if (!sink) sink = std::make_shared<flow::MemorySink>();
  auto server = std::make_unique<ProxyServerImpl>(std::move(config), std::move(sink), std::move(certificates),
                                                  std::move(downloads), std::move(hook));
  auto started = server->start();
  if (!started) return std::unexpected(started.error());
  return std::unique_ptr<ProxyServer>(std::move(server));
}

}  // namespace flowscope::net
