#pragma once
// The flags `flowscope run` and `flowscope record` share, and starting the proxy
// (CA included) from them.
#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "core/engine/interception_setup.hpp"
#include "core/flow/sink.hpp"
#include "core/net/proxy_server.hpp"
#include "core/proxy/config.hpp"

namespace flowscope::cli {

struct ProxyOptions {
  std::string listen = "127.0.0.1:8080";
  std::string connect_ports;
  std::string proxy_auth;
  std::vector<std::string> resolve;
  std::string upstream_proxy;
  bool no_intercept = false;
  engine::CaSettings ca;
  std::string store;            // -w FILE: JSON Lines store
  std::string fsync = "interval";
  proxy::Config config;         // the flags that map one to one
};

void add_proxy_options(CLI::App& app, ProxyOptions& options);

struct StartedProxy {
  std::unique_ptr<net::ProxyServer> server;
  std::string ca_cert_pem;  // empty with --no-intercept
};

// Loads the CA (unless --no-intercept), starts the proxy with `sink`, and says on
// stderr which CA is used. Errors are ready to print.
Result<StartedProxy> start_proxy(const ProxyOptions& options, std::shared_ptr<flow::FlowSink> sink);

// The -w store, or nullptr when none was asked for.
Result<std::shared_ptr<flow::FlowSink>> open_store(const ProxyOptions& options);

}  // namespace flowscope::cli
