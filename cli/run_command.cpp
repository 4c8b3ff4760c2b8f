#include "cli/run_command.hpp"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/proxy_options.hpp"
#include "core/engine/stop_signals.hpp"
#include "core/flow/console_sink.hpp"

namespace flowscope::cli {

namespace {

int run(const ProxyOptions& options, bool quiet, bool live) {
  engine::StopSignals signals;  // before the engine's threads exist, which inherit the mask
  std::vector<std::shared_ptr<flow::FlowSink>> sinks;
  if (!quiet) sinks.push_back(std::make_shared<flow::ConsoleSink>(stdout, live));
  auto engine = start_engine(options, std::move(sinks));
  if (!engine) return engine.error();
  std::printf("flowscope: listening on %s\n", (*engine)->listen_address().c_str());
  std::fflush(stdout);

  const int received = signals.wait();
  std::fprintf(stderr, "flowscope: %s received, finishing in-flight exchanges\n",
               engine::stop_signal_name(received));
  (*engine)->stop();
  return 0;
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ProxyOptions>();
  auto quiet = std::make_shared<bool>(false);
  auto live = std::make_shared<bool>(false);
  CLI::App* run_app = app.add_subcommand("run", "Run the proxy in the foreground, printing one line per flow");
  add_proxy_options(*run_app, *options);
  run_app->add_flag("-q,--quiet", *quiet, "Do not print flows");
  run_app->add_flag("--live", *live,
                    "Also print a line when each request starts, before it finishes, and one per WebSocket message");
  run_app->callback([options, quiet, live, &exit_code] { exit_code = run(*options, *quiet, *live); });
}

}  // namespace flowscope::cli
