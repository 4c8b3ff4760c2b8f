#include "cli/run_command.hpp"

#include <cstdio>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/har_conversion.hpp"
#include "cli/proxy_options.hpp"
#include "cli/terminal.hpp"
#include "core/engine/stop_signals.hpp"
#include "core/flow/console_sink.hpp"
#include "core/flow/flow_tally.hpp"

namespace flowscope::cli {

namespace {

namespace fs = std::filesystem;

struct RunOptions {
  ProxyOptions proxy;
  bool quiet = false;
  bool live = false;
  std::string har;  // written when the proxy stops
};

// Where a client reaches the proxy: a wildcard listen address is reached on loopback.
std::string client_facing(const engine::Engine& engine) {
  const std::string address = engine.listen_address();
  const std::string port = std::to_string(engine.bound_port());
  if (address.starts_with("0.0.0.0:")) return "127.0.0.1:" + port;
  if (address.starts_with("[::]:")) return "[::1]:" + port;
  return address;
}

// What a person needs to point a client at the proxy, on stderr (stdout has the flows).
void print_banner(const engine::Engine& engine) {
  const std::string proxy = "http://" + client_facing(engine);
  std::fprintf(stderr, "flowscope: point clients at the proxy:\n");
  std::fprintf(stderr, "  export HTTP_PROXY=%s HTTPS_PROXY=%s\n", proxy.c_str(), proxy.c_str());
  if (const auto& ca = engine.ca()) {
    std::fprintf(stderr, "flowscope: HTTPS is intercepted with the CA %s: trust it with `flowscope ca install`,\n",
                 ca->cert_pem.c_str());
    std::fprintf(stderr, "  or per client: curl --proxy %s --cacert %s https://example.com/\n", proxy.c_str(),
                 ca->cert_pem.c_str());
  } else {
    std::fprintf(stderr, "flowscope: HTTPS is tunnelled, not intercepted (--no-intercept)\n");
  }
}

// --har without -w: flows go to a temporary store, exported when the proxy stops.
Result<fs::path> temporary_store_dir() {
  char dir_template[] = "/tmp/flowscope-run-XXXXXX";
  if (mkdtemp(dir_template) == nullptr) return fail(std::string("cannot create a temporary store: ") + std::strerror(errno));
  return fs::path(dir_template);
}

int run(RunOptions run_options) {
  ProxyOptions& options = run_options.proxy;

  std::optional<fs::path> temporary_dir;
  std::string& store_path = options.engine.store.path;
  if (!run_options.har.empty() && store_path.empty()) {
    auto dir = temporary_store_dir();
    if (!dir) {
      std::fprintf(stderr, "flowscope: %s\n", dir.error().message.c_str());
      return 1;
    }
    temporary_dir = *dir;
    store_path = (*dir / "flows.jsonl").string();
  }

  engine::StopSignals signals;  // before the engine's threads exist, which inherit the mask
  auto tally = std::make_shared<flow::FlowTally>();
  std::vector<std::shared_ptr<flow::FlowSink>> sinks{tally};
  if (!run_options.quiet) {
    sinks.push_back(std::make_shared<flow::ConsoleSink>(stdout, run_options.live, wants_colour(stdout)));
  }
  auto engine = start_engine(options, std::move(sinks));
  std::error_code ec;
  if (!engine) {
    if (temporary_dir) fs::remove_all(*temporary_dir, ec);
    return engine.error();
  }
  std::printf("flowscope: listening on %s\n", (*engine)->listen_address().c_str());
  std::fflush(stdout);
  print_banner(**engine);

  const int received = signals.wait();
  std::fprintf(stderr, "flowscope: %s received, finishing in-flight exchanges\n",
               engine::stop_signal_name(received));
  (*engine)->stop();
  std::fprintf(stderr, "flowscope: %s\n", tally->summary().c_str());

  int exit_code = 0;
  if (!run_options.har.empty()) {
    auto report = export_har(store_path, run_options.har);
    if (report) {
      std::fprintf(stderr, "flowscope: wrote %zu flows to %s\n", report->flows, run_options.har.c_str());
    } else {
      std::fprintf(stderr, "flowscope: writing %s failed: %s\n", run_options.har.c_str(),
                   report.error().message.c_str());
      exit_code = 1;
    }
  }
  if (temporary_dir) fs::remove_all(*temporary_dir, ec);
  return exit_code;
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* run_app = app.add_subcommand("run", "Run the proxy in the foreground, printing one line per flow");
  add_proxy_options(*run_app, options->proxy);
  run_app->add_flag("-q,--quiet", options->quiet, "Do not print flows");
  run_app->add_flag("--live", options->live,
                    "Also print a line when each request starts, before it finishes, and one per WebSocket message");
  run_app->add_option("--har", options->har, "HAR file to write when the proxy stops (with or without -w)");
  run_app->callback([options, &exit_code] { exit_code = run(*options); });
}

}  // namespace flowscope::cli
