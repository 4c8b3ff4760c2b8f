#include "cli/serve_command.hpp"

#include <cstdio>
#include <memory>

#include "cli/proxy_options.hpp"
#include "cli/server_replay_options.hpp"
#include "core/engine/stop_signals.hpp"

namespace flowscope::cli {

namespace {

struct ServeOptions {
  ProxyOptions proxy;
  ServerReplayFlags replay;
};

int serve(ServeOptions& options) {
  auto hook = set_up_server_replay(options.replay, options.proxy, stdout);
  if (!hook) return hook.error();

  engine::StopSignals signals;  // before the engine's threads exist, which inherit the mask
  auto engine = start_engine(options.proxy, {});
  if (!engine) return engine.error();
  std::printf("flowscope: listening on %s\n", (*engine)->listen_address().c_str());
  std::fflush(stdout);

  const int received = signals.wait();
  std::fprintf(stderr, "flowscope: %s received, finishing in-flight exchanges\n",
               engine::stop_signal_name(received));
  (*engine)->stop();
  const bool missed = print_server_replay_summary(**hook, stdout);
  return missed && options.replay.strict ? kUnmatchedExitCode : 0;
}

}  // namespace

void add_serve_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* serve_app = app.add_subcommand(
      "serve", "Run a proxy that answers from a recording (server replay): serve --from api.har");
  serve_app->add_option("--from", options->replay.recording, "The recording to answer from: a .har file or a .jsonl store")
      ->required();
  add_proxy_options(*serve_app, options->proxy);
  add_server_replay_flags(*serve_app, options->replay);
  serve_app->add_option("--from-filter", options->replay.filter,
                        "Serve only the recorded flows this expression matches, e.g. '~d api.example.com' "
                        "(docs/filters.md)");
  serve_app->add_flag("-q,--quiet", options->replay.quiet, "Do not print a line per request");
  serve_app->callback([options, &exit_code] { exit_code = serve(*options); });
}

}  // namespace flowscope::cli
