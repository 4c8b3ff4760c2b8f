#include "cli/run_command.hpp"

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/proxy_options.hpp"
#include "core/engine/stop_signals.hpp"
#include "core/filter/filter.hpp"
#include "core/flow/console_sink.hpp"

namespace flowscope::cli {

namespace {

int run(ProxyOptions options, bool quiet, bool live, const std::optional<std::string>& filter_expression) {
  // A bad --filter (an empty one included) is a usage error, reported before anything
  // listens or is written.
  if (filter_expression) {
    auto compiled = filter::Filter::compile(*filter_expression);
    if (!compiled) {
      std::fprintf(stderr, "flowscope: --filter: %s\n", compiled.error().message.c_str());
      return 2;
    }
    options.engine.filter = std::move(*compiled);  // only matching flows are printed and stored
  }

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
  auto filter = std::make_shared<std::optional<std::string>>();
  CLI::App* run_app = app.add_subcommand("run", "Run the proxy in the foreground, printing one line per flow");
  add_proxy_options(*run_app, *options);
  run_app->add_flag("-q,--quiet", *quiet, "Do not print flows");
  run_app->add_flag("--live", *live,
                    "Also print a line when each request starts, before it finishes, and one per WebSocket message");
  run_app->add_option("--filter", *filter,
                      "Print and store only the flows this expression matches, e.g. '~d example.com & ~c 4xx' "
                      "(docs/filters.md)");
  run_app->callback([options, quiet, live, filter, &exit_code] {
    exit_code = run(*options, *quiet, *live, *filter);
  });
}

}  // namespace flowscope::cli
