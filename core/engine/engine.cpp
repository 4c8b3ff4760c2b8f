#include "core/engine/engine.hpp"

#include <cstdio>

#include "core/filter/filtering_sink.hpp"
#include "core/redact/redacting_sink.hpp"

namespace flowscope::engine {

namespace {

std::unexpected<StartError> start_error(StartError::Step step, std::string message) {
  return std::unexpected(StartError{step, std::move(message)});
}

Result<std::shared_ptr<flow::FlowSink>> open_store(const StoreSettings& settings) {
  store::StoreOptions store_options;
  store_options.fsync = settings.fsync;
  auto writer = store::StoreWriter::open(settings.path, store_options);
  if (!writer) return std::unexpected(writer.error());
  return std::shared_ptr<flow::FlowSink>(std::move(*writer));
}

// Says which CA intercepts, and what to do about a new one that no client trusts yet.
void announce(const CaSummary& ca) {
  std::fprintf(stderr, "flowscope: %s CA %s (SHA-256 %s)\n", ca.created ? "created a new" : "using",
               ca.cert_pem.c_str(), ca.fingerprint_sha256.c_str());
  if (ca.created) {
    std::fprintf(stderr,
                 "flowscope: clients must trust it to accept intercepted HTTPS: run `flowscope ca install`, "
                 "or open http://cert.flowscope/ through the proxy\n");
  }
}

}  // namespace

Engine::Engine(EngineOptions options) : options_(std::move(options)) {}

Engine::~Engine() { stop(); }

void Engine::add_sink(std::shared_ptr<flow::FlowSink> sink) { options_.sinks.push_back(std::move(sink)); }

void Engine::add_hook(std::shared_ptr<proxy::Hook> hook) { options_.hooks.push_back(std::move(hook)); }

std::expected<void, StartError> Engine::start() {
  if (started_) return start_error(StartError::Step::kState, "the engine was already started");
  started_ = true;

  auto sinks = std::make_shared<flow::TeeSink>();
  for (auto& sink : options_.sinks) sinks->add(sink);
  if (!options_.store.path.empty()) {
    auto store = open_store(options_.store);
    if (!store) return start_error(StartError::Step::kStore, store.error().message);
    sinks->add(std::move(*store));
  }
  std::shared_ptr<flow::FlowSink> sink = sinks;
  if (options_.redactor) sink = std::make_shared<redact::RedactingSink>(*options_.redactor, std::move(sink));
  if (options_.filter) sink = std::make_shared<filter::FilteringSink>(*options_.filter, std::move(sink));

  std::shared_ptr<tls::CertificateSource> certificates;
  std::shared_ptr<const proxy::CaDownloads> downloads;
  if (options_.intercept) {
    auto setup = set_up_interception(options_.ca);
    if (!setup) {
      return start_error(StartError::Step::kCa,
                         setup.error().message +
                             "\n(pass --no-intercept to run without a CA: HTTPS is then tunnelled blind)");
    }
    certificates = setup->certificates;
    downloads = setup->downloads;
    ca_ = CaSummary{setup->ca.paths.cert_pem, setup->downloads->fingerprint_sha256, setup->ca.created};
    announce(*ca_);
  }

  std::shared_ptr<proxy::Hook> hook;
  if (!options_.hooks.empty()) {
    auto chain = std::make_shared<proxy::HookChain>();
    for (auto& h : options_.hooks) chain->add(h);
    hook = std::move(chain);
  }
  auto server = net::ProxyServer::start(options_.config, std::move(sink), std::move(certificates),
                                        std::move(downloads), std::move(hook));
  if (!server) return start_error(StartError::Step::kServer, server.error().message);
  server_ = std::move(*server);
  return {};
}

std::uint16_t Engine::bound_port() const { return server_ ? server_->port() : 0; }

std::string Engine::listen_address() const { return server_ ? server_->address() : std::string(); }

Result<void> Engine::replay(const flow::Flow& original, std::function<void(flow::Flow)> done) {
  if (!server_) return fail("the engine is not running: start it before replaying " + original.id);
  return server_->replay(original, std::move(done));
}

void Engine::stop() {
  if (server_) server_->shutdown();
}

void Engine::wait() {
  if (server_) server_->wait();
}

}  // namespace flowscope::engine
