#pragma once
// The flags `flowscope run` and `flowscope record` share (replay a part of them), and starting the engine
// (core/engine) from them. The CLI only parses; the engine does the wiring.
#include <CLI/CLI.hpp>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/engine/engine.hpp"
#include "core/flow/sink.hpp"

namespace flowscope::cli {

struct ProxyOptions {
  // Flags the CLI parses further (cli/options.hpp) before the engine sees them.
  std::string listen = "127.0.0.1:8080";
  std::string connect_ports;
  std::string proxy_auth;
  std::vector<std::string> resolve;
  std::string upstream_proxy;
  std::string fsync = "interval";
  bool no_intercept = false;
  // --filter EXPR: only matching flows are printed and recorded (docs/filters.md).
  std::optional<std::string> filter;
  // --redact / --no-redact; its value before parsing is the subcommand's default (record
  // redacts, run does not). The patterns of --redact-header/-param/-field add to the
  // built-in lists of core/redact/redactor.hpp.
  bool redact = false;
  redact::RedactRules redact_rules;
  // The flags that map one to one land here (engine.config, engine.ca,
  // engine.store.path), and it goes to the engine whole: a new proxy::Config
  // setting needs only its add_option line.
  engine::EngineOptions engine;
};

void add_proxy_options(CLI::App& app, ProxyOptions& options);
// The part of them that says how origins are reached and what a flow keeps: threads,
// --body-limit, --resolve, --upstream-proxy, --home, origin TLS and timeouts. `replay`
// takes only these.
void add_upstream_options(CLI::App& app, ProxyOptions& options);

// Why the engine did not start: the exit code is 2 for a bad -w, --fsync, --filter or
// redaction pattern, 1 for anything else (a bad flag value, the CA, the listen address).
struct EngineStartFailure {
  int exit_code = 1;
  std::string message;  // a sentence a person can act on
};

// Starts the engine the flags describe, with `sinks` before the -w store. The GUI shows
// the failure in its window; start_engine prints it.
std::expected<std::unique_ptr<engine::Engine>, EngineStartFailure> try_start_engine(
    const ProxyOptions& options, std::vector<std::shared_ptr<flow::FlowSink>> sinks);

// try_start_engine for the CLI: on failure prints why ("flowscope: …") and gives the exit code.
std::expected<std::unique_ptr<engine::Engine>, int> start_engine(const ProxyOptions& options,
                                                                 std::vector<std::shared_ptr<flow::FlowSink>> sinks);

}  // namespace flowscope::cli
