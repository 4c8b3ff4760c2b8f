#pragma once
// What a front end starts the engine with. The CLI fills it from its flags, the
// GUI from its settings; neither wires the parts (CA, store, sinks, workers) itself.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/engine/interception_setup.hpp"
#include "core/filter/filter.hpp"
#include "core/flow/sink.hpp"
#include "core/proxy/config.hpp"
#include "core/proxy/hooks.hpp"
#include "core/redact/redactor.hpp"
#include "core/store/store_writer.hpp"

namespace flowscope::engine {

// The JSON Lines store (docs/flow-format.md) every finished flow is appended to.
struct StoreSettings {
  std::string path;  // empty: no store
  store::FsyncMode fsync = store::FsyncMode::kInterval;
};

struct EngineOptions {
  // Listen address and port, threads, body limit, timeouts, host rules, upstream
  // proxy, origin TLS (insecure, upstream CA, client certificate). Carried whole to
  // the workers, so a new setting is a Config field and nothing here.
  proxy::Config config;
  // Load (or create) the CA and intercept CONNECT tunnels; false tunnels every one blind.
  bool intercept = true;
  CaSettings ca;
  StoreSettings store;
  // Told about every flow (finished, and live events when they want them), in this
  // order, before the store: the console, the GUI's flow list.
  std::vector<std::shared_ptr<flow::FlowSink>> sinks;
  // Asked in this order at every hook point (proxy/hooks.hpp), after the engine's
  // own cert.flowscope page, on the worker threads.
  std::vector<std::shared_ptr<proxy::Hook>> hooks;
  // When set, only the flows it matches reach the sinks and the store (run --filter).
  // It sees flows before redaction.
  std::optional<filter::Filter> filter;
  // When set, every flow and live event has its secrets replaced (core/redact) before
  // any sink or the store sees it (record's default, run --redact).
  std::optional<redact::Redactor> redactor;
};

}  // namespace flowscope::engine
