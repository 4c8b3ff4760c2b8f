#include "cli/run_command.hpp"

#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "cli/proxy_options.hpp"
#include "core/filter/filter.hpp"
#include "core/filter/filtering_sink.hpp"
#include "core/flow/console_sink.hpp"

namespace flowscope::cli {

namespace {

int run(const ProxyOptions& options, bool quiet, bool live, const std::optional<std::string>& filter_expression) {
  // A bad --filter (an empty one included) is a usage error, reported before anything
  // listens or is written.
  std::optional<filter::Filter> filter;
  if (filter_expression) {
    auto compiled = filter::Filter::compile(*filter_expression);
    if (!compiled) {
      std::fprintf(stderr, "flowscope: --filter: %s\n", compiled.error().message.c_str());
      return 2;
    }
    filter = std::move(*compiled);
  }

  // Workers inherit this mask, so SIGINT/SIGTERM reach only the sigwait below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto sinks = std::make_shared<flow::TeeSink>();
  if (!quiet) sinks->add(std::make_shared<flow::ConsoleSink>(stdout, live));
  auto store = open_store(options);
  if (!store) {
    std::fprintf(stderr, "flowscope: %s\n", store.error().message.c_str());
    return 2;
  }
  if (*store) sinks->add(*store);

  // Only matching flows reach the console and the store.
  std::shared_ptr<flow::FlowSink> sink = sinks;
  if (filter) sink = std::make_shared<filter::FilteringSink>(std::move(*filter), sinks);

  auto started = start_proxy(options, sink);
  if (!started) {
    std::fprintf(stderr, "flowscope: %s\n", started.error().message.c_str());
    return 1;
  }
  std::printf("flowscope: listening on %s\n", started->server->address().c_str());
  std::fflush(stdout);

  int received = 0;
  sigwait(&signals, &received);
  std::fprintf(stderr, "flowscope: %s received, finishing in-flight exchanges\n",
               received == SIGINT ? "SIGINT" : "SIGTERM");
  started->server->shutdown();
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
  run_app->add_flag("--live", *live, "Also print a line when each request starts, before it finishes");
  run_app->add_option("--filter", *filter,
                      "Print and store only the flows this expression matches, e.g. '~d example.com & ~c 4xx' "
                      "(docs/filters.md)");
  run_app->callback([options, quiet, live, filter, &exit_code] {
    exit_code = run(*options, *quiet, *live, *filter);
  });
}

}  // namespace flowscope::cli
