#include "cli/proxy_options.hpp"

#include <cstdio>

#include "cli/options.hpp"

namespace flowscope::cli {

namespace {

Result<proxy::Config> build_config(const ProxyOptions& options) {
  proxy::Config config = options.engine.config;
  auto listen = parse_listen(options.listen);
  if (!listen) return std::unexpected(listen.error());
  config.listen_host = listen->host;
  config.listen_port = listen->port;
  if (!options.connect_ports.empty()) {
    auto ports = parse_port_list(options.connect_ports);
    if (!ports) return std::unexpected(ports.error());
    config.connect_ports = *ports;
  }
  if (!options.proxy_auth.empty()) {
    if (options.proxy_auth.find(':') == std::string::npos) return fail("--proxy-auth needs USER:PASS");
    config.proxy_auth = options.proxy_auth;
  }
  for (const auto& r : options.resolve) {
    auto parsed = parse_resolve(r);
    if (!parsed) return std::unexpected(parsed.error());
    config.resolve.push_back(*parsed);
  }
  if (!options.upstream_proxy.empty()) {
    auto parsed = parse_upstream_proxy(options.upstream_proxy);
    if (!parsed) return std::unexpected(parsed.error());
    config.upstream_proxy = *parsed;
  }
  return config;
}

Result<store::FsyncMode> parse_fsync(const std::string& fsync) {
  if (fsync == "every") return store::FsyncMode::kEvery;
  if (fsync == "never") return store::FsyncMode::kNever;
  if (fsync == "interval") return store::FsyncMode::kInterval;
  return fail("--fsync " + fsync + ": expected every, interval or never");
}

int print_error(const std::string& message, int exit_code) {
  std::fprintf(stderr, "flowscope: %s\n", message.c_str());
  return exit_code;
}

// Usage errors, all reported before anything listens or is written.
Result<void> add_filter_and_redactor(const ProxyOptions& options, engine::EngineOptions& engine_options) {
  if (options.filter) {
    auto compiled = filter::Filter::compile(*options.filter);
    if (!compiled) return fail("--filter: " + compiled.error().message);
    engine_options.filter = std::move(*compiled);
  }
  const redact::RedactRules& rules = options.redact_rules;
  if (!options.redact) {
    if (!rules.headers.empty() || !rules.params.empty() || !rules.fields.empty()) {
      return fail("--redact-header, --redact-param and --redact-field need redaction on: add --redact "
                  "(record redacts unless given --no-redact)");
    }
    return {};
  }
  auto redactor = redact::Redactor::compile(rules);
  if (!redactor) return std::unexpected(redactor.error());
  engine_options.redactor = std::move(*redactor);
  return {};
}

}  // namespace

void add_upstream_options(CLI::App& app, ProxyOptions& o) {
  proxy::Config& c = o.engine.config;
  app.add_option("--threads", c.threads, "Worker loops (0: one per hardware thread)")->capture_default_str();
  app.add_option("--body-limit", c.body_limit, "Bytes of each body kept in a flow (0: all)")->capture_default_str();
  app.add_option("--resolve", o.resolve, "HOST:PORT:ADDRESS, connect to ADDRESS for HOST:PORT (repeatable)");
  app.add_option("--upstream-proxy", o.upstream_proxy, "Chain through http://[user:pass@]host:port");
  app.add_option("--home", o.engine.ca.home, "Where the CA lives (default $FLOWSCOPE_HOME or ~/.flowscope)");
  app.add_flag("--insecure", c.insecure, "Do not verify origin certificates");
  app.add_option("--upstream-ca", c.upstream_ca, "PEM file of extra CAs trusted for origins");
  app.add_option("--client-cert", c.client_cert, "PEM (certificate and key) for origins that ask for one");
  app.add_option("--connect-timeout-ms", c.connect_timeout_ms, "DNS + TCP connect timeout")->capture_default_str();
  app.add_option("--response-timeout-ms", c.response_timeout_ms, "Time the origin has to answer")
      ->capture_default_str();
}

void add_proxy_options(CLI::App& app, ProxyOptions& o) {
  proxy::Config& c = o.engine.config;
  app.add_option("--listen", o.listen, "Address to listen on, HOST:PORT (port 0 picks a free one)")
      ->capture_default_str();
  app.add_option("-w,--write", o.engine.store.path, "Append every flow to this JSON Lines store");
  app.add_option("--fsync", o.fsync, "When the store syncs to disk: every, interval (1 s) or never")
      ->capture_default_str();
  app.add_option("--ws-message-limit", c.ws_message_limit,
                 "WebSocket messages kept in a flow; the rest are counted (0: all)")
      ->capture_default_str();
  app.add_option("--ws-payload-limit", c.ws_payload_limit,
                 "WebSocket payload bytes kept across a flow's messages; later messages keep their "
                 "metadata only (0: all)")
      ->capture_default_str();
  app.add_option("--connect-ports", o.connect_ports, "Comma-separated ports CONNECT may reach (default: all)");
  app.add_option("--proxy-auth", o.proxy_auth, "Require Basic proxy authentication USER:PASS");
  app.add_option("--ca-key", o.engine.ca.key_type, "Key type of a new CA: ec (P-256) or rsa (2048)")->capture_default_str();
  app.add_flag("--no-intercept", o.no_intercept, "Tunnel all HTTPS blind; no CA is loaded");
  app.add_option("--ignore-hosts", c.ignore_hosts, "Regex of hosts to tunnel blind (repeatable)");
  app.add_option("--allow-hosts", c.allow_hosts, "Regex of the only hosts to intercept (repeatable)");
  app.add_flag("!--no-auto-passthrough", c.auto_passthrough,
               "Keep intercepting hosts whose clients refused our certificate");
  app.add_option("--passthrough-ttl-ms", c.passthrough_ttl_ms,
                 "How long a host a client refused our certificate for stays blind for that client")
      ->capture_default_str();
  app.add_option("--header-timeout-ms", c.header_timeout_ms, "Time a client has to send a request head")
      ->capture_default_str();
  app.add_option("--idle-timeout-ms", c.idle_timeout_ms, "Close idle client connections after this")
      ->capture_default_str();
  app.add_option("--shutdown-grace-ms", c.shutdown_grace_ms, "On shutdown, wait this long for exchanges")
      ->capture_default_str();
  app.add_option("--breakpoint-timeout-ms", c.breakpoint_timeout_ms,
                 "An exchange paused at a breakpoint and not answered this long continues unchanged")
      ->capture_default_str();
  add_upstream_options(app, o);
  app.add_option("--filter", o.filter,
                 "Print and record only the flows this expression matches, e.g. '~d example.com & ~c 4xx' "
                 "(docs/filters.md)");
  app.add_flag("--redact,!--no-redact", o.redact,
               "Replace secrets by REDACTED in what is printed and recorded: Authorization, Cookie, "
               "Set-Cookie, X-Api-Key; token, key, secret, password and sig parameters and JSON/form fields "
               "(" + app.get_name() + (o.redact ? ": on by default" : ": off by default") + "; docs/cli.md)");
  app.add_option("--redact-header", o.redact_rules.headers,
                 "Also redact headers whose name matches this regex, case-insensitively (repeatable)");
  app.add_option("--redact-param", o.redact_rules.params,
                 "Also redact URL query parameters whose name matches this regex (repeatable)");
  app.add_option("--redact-field", o.redact_rules.fields,
                 "Also redact JSON and form body fields whose name matches this regex (repeatable)");
}

std::expected<std::unique_ptr<engine::Engine>, EngineStartFailure> try_start_engine(
    const ProxyOptions& options, std::vector<std::shared_ptr<flow::FlowSink>> sinks) {
  auto failure = [](std::string message, int exit_code) {
    return std::unexpected(EngineStartFailure{exit_code, std::move(message)});
  };
  engine::EngineOptions engine_options = options.engine;
  if (auto added = add_filter_and_redactor(options, engine_options); !added) return failure(added.error().message, 2);
  if (!engine_options.store.path.empty()) {  // --fsync is checked only with a store, as it is used only then
    auto fsync = parse_fsync(options.fsync);
    if (!fsync) return failure(fsync.error().message, 2);
    engine_options.store.fsync = *fsync;
  }
  auto config = build_config(options);
  if (!config) return failure(config.error().message, 1);
  engine_options.config = std::move(*config);
  engine_options.intercept = !options.no_intercept;
  for (auto& sink : sinks) engine_options.sinks.push_back(std::move(sink));
  auto engine = std::make_unique<engine::Engine>(std::move(engine_options));
  auto started = engine->start();
  if (!started) {
    const bool usage = started.error().step == engine::StartError::Step::kStore;
    return failure(started.error().message, usage ? 2 : 1);
  }
  return engine;
}

std::expected<std::unique_ptr<engine::Engine>, int> start_engine(const ProxyOptions& options,
                                                                 std::vector<std::shared_ptr<flow::FlowSink>> sinks) {
  auto engine = try_start_engine(options, std::move(sinks));
  if (!engine) return std::unexpected(print_error(engine.error().message, engine.error().exit_code));
  return std::move(*engine);
}

}  // namespace flowscope::cli
