#pragma once
// The running proxy: N worker threads, each with its own libuv loop and its own
// SO_REUSEPORT listener on the same address.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/flow/sink.hpp"
#include "core/proxy/ca_page.hpp"
#include "core/proxy/config.hpp"
#include "core/proxy/hooks.hpp"
#include "core/result.hpp"
#include "core/tls/certificate_source.hpp"

namespace flowscope::net {

class ProxyServer {
 public:
  // Binds and starts the workers; returns once the proxy accepts connections.
  // With `certificates`, CONNECT tunnels are intercepted (subject to the host
  // rules in `config`); without, every tunnel is blind.
  // `downloads` is what http://cert.flowscope/ serves. `hook` is asked at every hook
  // point of every exchange (proxy/hooks.hpp), on the worker threads.
  static Result<std::unique_ptr<ProxyServer>> start(proxy::Config config, std::shared_ptr<flow::FlowSink> sink,
                                                    std::shared_ptr<tls::CertificateSource> certificates = nullptr,
                                                    std::shared_ptr<const proxy::CaDownloads> downloads = nullptr,
                                                    std::shared_ptr<proxy::Hook> hook = nullptr);
  virtual ~ProxyServer() = default;

  virtual std::uint16_t port() const = 0;
  // "127.0.0.1:8080" or "[::1]:8080"
  virtual std::string address() const = 0;
  // Stops accepting, lets in-flight exchanges finish (up to the grace period),
  // flushes the sink and joins the workers. Safe to call more than once.
  virtual void shutdown() = 0;
  // Blocks until shutdown() has finished (from any thread).
  virtual void wait() = 0;

  // From any thread: sends `original`'s request again, through the same path as
  // live traffic (hooks, upstream proxy, pool, TLS with verification), on one of the
  // worker loops. The new flow goes to the sinks with replay_of = original.id, and
  // `done` gets it on that worker's thread (with `error` set if it failed there).
  // An error here (nothing sent) says why the flow cannot be replayed.
  virtual Result<void> replay(const flow::Flow& original, std::function<void(flow::Flow)> done) = 0;
};

}  // namespace flowscope::net
