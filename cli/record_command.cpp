#include "cli/record_command.hpp"

#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <atomic>
#include <map>
#include <memory>
#include <thread>

#include "cli/child_environment.hpp"
#include "cli/child_process.hpp"
#include "cli/har_conversion.hpp"
#include "cli/proxy_options.hpp"
#include "cli/server_replay_options.hpp"
#include "cli/terminal.hpp"
#include "core/flow/console_sink.hpp"
#include "core/flow/flow_tally.hpp"

namespace flowscope::cli {

namespace {

namespace fs = std::filesystem;

struct RecordOptions {
  ProxyOptions proxy;
  std::string har;
  bool quiet = false;
  ServerReplayFlags replay;  // --replay FILE: answer from a recording instead of the network
  std::vector<std::string> command;
};

int record(RecordOptions& options) {
  // Before anything is created: a bad --match or an unreadable recording ends it here.
  std::shared_ptr<server_replay::ServerReplayHook> replay;
  if (!options.replay.recording.empty()) {
    options.replay.quiet = options.quiet;
    auto hook = set_up_server_replay(options.replay, options.proxy, stderr);
    if (!hook) return hook.error();
    replay = std::move(*hook);
  }

  // The proxy's threads must not take SIGINT/SIGTERM: Ctrl-C reaches the child
  // (same process group), and we finish up once it has exited.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGUSR1);  // ends the forwarder below
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::error_code ec;
  char dir_template[] = "/tmp/flowscope-record-XXXXXX";
  if (mkdtemp(dir_template) == nullptr) {
    std::perror("flowscope: mkdtemp");
    return 1;
  }
  const fs::path work_dir = dir_template;
  std::string& store_path = options.proxy.engine.store.path;
  if (store_path.empty()) store_path = (work_dir / "flows.jsonl").string();  // the HAR is made from it

  auto tally = std::make_shared<flow::FlowTally>();
  std::vector<std::shared_ptr<flow::FlowSink>> sinks{tally};
  // Progress; with --replay the hook prints a line per request instead.
  if (!options.quiet && !replay) {
    sinks.push_back(std::make_shared<flow::ConsoleSink>(stderr, false, wants_colour(stderr)));
  }
  auto engine = start_engine(options.proxy, std::move(sinks));
  if (!engine) {
    fs::remove_all(work_dir, ec);
    return engine.error();
  }
  const std::string proxy_url = "http://" + (*engine)->listen_address();
  std::fprintf(stderr, "flowscope: %s through %s\n", replay ? "answering from the recording" : "recording",
               proxy_url.c_str());

  const std::string ca_pem = (*engine)->ca() ? (*engine)->ca()->cert_pem.string() : std::string();
  const auto child_env = child_environment(work_dir, (*engine)->listen_address(), ca_pem);
  // A SIGINT/SIGTERM sent to flowscope alone (timeout, a CI cancel) goes on to the
  // child, which ends it like a Ctrl-C would; we then finish the HAR.
  std::atomic<pid_t> child{0};
  std::thread forwarder([&] {
    for (;;) {
      int sig = 0;
      sigwait(&signals, &sig);
      if (sig == SIGUSR1) return;
      if (pid_t pid = child.load(); pid > 0) kill(pid, sig);
    }
  });
  auto status = run_child(options.command, child_env,
                          [&](pid_t pid) { child = pid; });
  child = 0;
  pthread_kill(forwarder.native_handle(), SIGUSR1);
  forwarder.join();
  (*engine)->stop();  // finishes exchanges in flight and flushes the store

  int exit_code = status ? *status : 127;
  if (!status) std::fprintf(stderr, "flowscope: %s\n", status.error().message.c_str());
  std::fprintf(stderr, "flowscope: the command made %s\n", tally->summary().c_str());
  if (!options.har.empty()) {
    auto report = export_har(store_path, options.har);
    if (!report) {
      std::fprintf(stderr, "flowscope: writing %s failed: %s\n", options.har.c_str(), report.error().message.c_str());
      if (exit_code == 0) exit_code = 1;
    } else {
      std::fprintf(stderr, "flowscope: recorded %zu flows to %s\n", report->flows, options.har.c_str());
    }
  }
  fs::remove_all(work_dir, ec);  // the temporary store (if any) and the child's trust files and preload
  if (replay && print_server_replay_summary(*replay, stderr) && options.replay.strict) exit_code = kUnmatchedExitCode;
  return exit_code;
}

}  // namespace

void add_record_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<RecordOptions>();
  options->proxy.listen = "127.0.0.1:0";
  options->proxy.redact = true;  // recordings get committed: secrets stay out unless --no-redact
  CLI::App* record_app =
      app.add_subcommand("record", "Run a command behind the proxy and record its HTTP(S) calls: record -o api.har -- CMD");
  add_proxy_options(*record_app, options->proxy);
  record_app->add_option("-o,--har", options->har, "HAR file to write when the command ends");
  record_app->add_flag("-q,--quiet", options->quiet, "Do not print flows as they finish");
  record_app->add_option("--replay", options->replay.recording,
                         "Answer the command's requests from this recording (.har or .jsonl) instead of the "
                         "network: offline, as VCR and Polly.js do");
  add_server_replay_flags(*record_app, options->replay);
  record_app->add_option("command", options->command, "The command to run, after --")->required();
  record_app->positionals_at_end();
  record_app->callback([options, &exit_code] {
    const ServerReplayFlags& replay = options->replay;
    if (replay.recording.empty() && (replay.strict || replay.passthrough || !replay.match.empty())) {
      std::fprintf(stderr, "flowscope: --strict, --passthrough and --match need --replay FILE (the recording to "
                           "answer from)\n");
      exit_code = 2;
      return;
    }
    if (options->har.empty() && options->proxy.engine.store.path.empty() && replay.recording.empty()) {
      std::fprintf(stderr, "flowscope: record needs -o FILE.har and/or -w FILE.jsonl (or --replay FILE to answer "
                           "from a recording)\n");
      exit_code = 2;
      return;
    }
    exit_code = record(*options);
  });
}

}  // namespace flowscope::cli
