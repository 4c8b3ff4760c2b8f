#include "cli/run_command.hpp"

#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <memory>

#include "cli/proxy_options.hpp"
#include "core/flow/console_sink.hpp"

namespace flowscope::cli {

namespace {

int run(const ProxyOptions& options, bool quiet, bool live) {
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

  auto started = start_proxy(options, sinks);
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
  CLI::App* run_app = app.add_subcommand("run", "Run the proxy in the foreground, printing one line per flow");
  add_proxy_options(*run_app, *options);
  run_app->add_flag("-q,--quiet", *quiet, "Do not print flows");
  run_app->add_flag("--live", *live, "Also print a line when each request starts, before it finishes, and one per WebSocket message");
  run_app->callback([options, quiet, live, &exit_code] { exit_code = run(*options, *quiet, *live); });
}

}  // namespace flowscope::cli
