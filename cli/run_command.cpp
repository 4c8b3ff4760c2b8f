#include "cli/run_command.hpp"

#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/interception_setup.hpp"
#include "cli/options.hpp"
#include "core/flow/console_sink.hpp"
#include "core/net/proxy_server.hpp"

namespace flowscope::cli {

namespace {

struct RunOptions {
  std::string listen = "127.0.0.1:8080";
  unsigned threads = 0;
  std::string connect_ports;
  std::string proxy_auth;
  std::vector<std::string> resolve;
  std::string upstream_proxy;
  bool quiet = false;
  bool no_intercept = false;
  CaSettings ca;
};

Result<proxy::Config> build_config(const RunOptions& options, proxy::Config config) {
  auto listen = parse_listen(options.listen);
  if (!listen) return std::unexpected(listen.error());
  config.listen_host = listen->host;
  config.listen_port = listen->port;
  config.threads = options.threads;
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

// A sink that drops flows, for --quiet.
class NullSink : public flow::FlowSink {
 public:
  void on_flow(const flow::Flow&) override {}
};

int run(const RunOptions& options, const proxy::Config& base) {
  auto config = build_config(options, base);
  if (!config) {
    std::fprintf(stderr, "flowscope: %s\n", config.error().message.c_str());
    return 2;
  }

  // Workers inherit this mask, so SIGINT/SIGTERM reach only the sigwait below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::shared_ptr<flow::FlowSink> sink;
  if (options.quiet) {
    sink = std::make_shared<NullSink>();
  } else {
    sink = std::make_shared<flow::ConsoleSink>(stdout);
  }
  std::shared_ptr<tls::CertificateSource> certificates;
  std::shared_ptr<const proxy::CaDownloads> downloads;
  if (!options.no_intercept) {
    auto setup = set_up_interception(options.ca);
    if (!setup) {
      std::fprintf(stderr, "flowscope: %s\n(pass --no-intercept to run without a CA: HTTPS is then tunnelled blind)\n",
                   setup.error().message.c_str());
      return 1;
    }
    certificates = setup->certificates;
    downloads = setup->downloads;
    std::fprintf(stderr, "flowscope: %s CA %s (SHA-256 %s)\n", setup->ca.created ? "created a new" : "using",
                 setup->ca.paths.cert_pem.c_str(), downloads->fingerprint_sha256.c_str());
    if (setup->ca.created) {
      std::fprintf(stderr,
                   "flowscope: clients must trust it to accept intercepted HTTPS: run `flowscope ca install`, "
                   "or open http://cert.flowscope/ through the proxy\n");
    }
  }
  auto server = net::ProxyServer::start(*config, sink, certificates, downloads);
  if (!server) {
    std::fprintf(stderr, "flowscope: %s\n", server.error().message.c_str());
    return 1;
  }
  std::printf("flowscope: listening on %s\n", (*server)->address().c_str());
  std::fflush(stdout);

  int received = 0;
  sigwait(&signals, &received);
  std::fprintf(stderr, "flowscope: %s received, finishing in-flight exchanges\n",
               received == SIGINT ? "SIGINT" : "SIGTERM");
  (*server)->shutdown();
  return 0;
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<RunOptions>();
  auto config = std::make_shared<proxy::Config>();
  CLI::App* run_app = app.add_subcommand("run", "Run the proxy in the foreground, printing one line per flow");
  run_app->add_option("--listen", options->listen, "Address to listen on, HOST:PORT (port 0 picks a free one)")
      ->capture_default_str();
  run_app->add_option("--threads", options->threads, "Worker loops (0: one per hardware thread)")
      ->capture_default_str();
  run_app->add_option("--connect-ports", options->connect_ports, "Comma-separated ports CONNECT may reach (default: all)");
  run_app->add_option("--proxy-auth", options->proxy_auth, "Require Basic proxy authentication USER:PASS");
  run_app->add_option("--resolve", options->resolve, "HOST:PORT:ADDRESS, connect to ADDRESS for HOST:PORT (repeatable)");
  run_app->add_option("--upstream-proxy", options->upstream_proxy, "Chain through http://[user:pass@]host:port");
  run_app->add_option("--connect-timeout-ms", config->connect_timeout_ms, "DNS + TCP connect timeout")
      ->capture_default_str();
  run_app->add_option("--header-timeout-ms", config->header_timeout_ms, "Time a client has to send a request head")
      ->capture_default_str();
  run_app->add_option("--idle-timeout-ms", config->idle_timeout_ms, "Close idle client connections after this")
      ->capture_default_str();
  run_app->add_option("--response-timeout-ms", config->response_timeout_ms, "Time the origin has to answer")
      ->capture_default_str();
  run_app->add_option("--shutdown-grace-ms", config->shutdown_grace_ms, "On SIGINT/SIGTERM, wait this long for exchanges")
      ->capture_default_str();
  run_app->add_option("--body-limit", config->body_limit, "Bytes of each body kept in a flow (0: all)")
      ->capture_default_str();
  run_app->add_flag("-q,--quiet", options->quiet, "Do not print flows");
  run_app->add_option("--home", options->ca.home, "Where the CA lives (default $FLOWSCOPE_HOME or ~/.flowscope)");
  run_app->add_option("--ca-key", options->ca.key_type, "Key type of a new CA: ec (P-256) or rsa (2048)")
      ->capture_default_str();
  run_app->add_flag("--no-intercept", options->no_intercept, "Tunnel all HTTPS blind; no CA is loaded");
  run_app->add_option("--ignore-hosts", config->ignore_hosts, "Regex of hosts to tunnel blind (repeatable)");
  run_app->add_option("--allow-hosts", config->allow_hosts, "Regex of the only hosts to intercept (repeatable)");
  run_app->add_flag("!--no-auto-passthrough", config->auto_passthrough,
                    "Keep intercepting hosts whose clients refused our certificate");
  run_app->add_flag("--insecure", config->insecure, "Do not verify origin certificates");
  run_app->add_option("--upstream-ca", config->upstream_ca, "PEM file of extra CAs trusted for origins");
  run_app->add_option("--client-cert", config->client_cert, "PEM (certificate and key) for origins that ask for one");
  run_app->callback([options, config, &exit_code] { exit_code = run(*options, *config); });
}

}  // namespace flowscope::cli
