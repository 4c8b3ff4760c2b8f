#pragma once
// engine::Engine: the one way a front end (flowscope run, record, the GUI) starts
// and stops the proxy. It opens the store, loads (or creates) the CA, starts the
// worker threads on the listen address with the sinks and hooks, and stops them.
//
//   engine::EngineOptions options;               // engine_options.hpp
//   options.config.listen_port = 0;
//   options.sinks.push_back(my_sink);
//   engine::Engine engine(std::move(options));
//   if (auto started = engine.start(); !started) report(started.error().message);
//   … engine.listen_address() …
//   engine.stop();                               // from any thread
//
// Threads: start() once, on one thread, before anything else but add_sink/add_hook.
// After it, stop(), wait() and replay() may be called from any thread; sinks and
// hooks run on the worker threads.
#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/engine/engine_options.hpp"
#include "core/flow/flow.hpp"
#include "core/net/proxy_server.hpp"
#include "core/result.hpp"

namespace flowscope::engine {

// Why start() failed, with the step that failed: a front end may treat a bad store
// path (a usage error) differently from a port in use or an unreadable CA.
struct StartError {
  enum class Step {
    kStore,   // the store file cannot be opened
    kCa,      // the CA cannot be loaded or created (unreadable, wrong passphrase, bad --ca-key)
    kServer,  // the proxy cannot start: address in use or not an IP, bad host regex, bad upstream CA
    kState,   // start() was called twice
  };
  Step step;
  std::string message;  // a sentence a person can act on
};

// The CA the engine intercepts with.
struct CaSummary {
  std::filesystem::path cert_pem;  // what clients must trust
  std::string fingerprint_sha256;
  bool created = false;  // made by this start: no client trusts it yet
};

class Engine {
 public:
  explicit Engine(EngineOptions options);
  // Stops the engine if it runs.
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Before start(): one more sink or hook, after those already given.
  void add_sink(std::shared_ptr<flow::FlowSink> sink);
  void add_hook(std::shared_ptr<proxy::Hook> hook);

  // Opens the store, loads the CA (says on stderr which one), binds and starts the
  // workers; returns once the proxy accepts connections.
  std::expected<void, StartError> start();

  // After a successful start(): the port bound (the one the OS picked for port 0)
  // and "127.0.0.1:8080" or "[::1]:8080".
  std::uint16_t bound_port() const;
  std::string listen_address() const;
  // The CA in use; none with intercept = false or before start().
  const std::optional<CaSummary>& ca() const { return ca_; }

  // From any thread: sends `original`'s request again through the live path
  // (net::ProxyServer::replay); `done` gets the new flow on a worker thread.
  Result<void> replay(const flow::Flow& original, std::function<void(flow::Flow)> done);

  // From any thread, any number of times: stops accepting, lets exchanges in flight
  // finish (up to config.shutdown_grace_ms), flushes the sinks and joins the workers.
  void stop();
  // Blocks until stop() has finished (from another thread).
  void wait();

 private:
  EngineOptions options_;
  std::optional<CaSummary> ca_;
  std::unique_ptr<net::ProxyServer> server_;
  bool started_ = false;
};

}  // namespace flowscope::engine
