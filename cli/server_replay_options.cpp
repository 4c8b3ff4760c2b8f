#include "cli/server_replay_options.hpp"

#include <filesystem>

#include "core/filter/filter.hpp"
#include "core/server_replay/recording.hpp"

namespace flowscope::cli {

namespace {

using server_replay::Outcome;

int print_error(const std::string& message, int exit_code) {
  std::fprintf(stderr, "flowscope: %s\n", message.c_str());
  return exit_code;
}

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

void add_server_replay_flags(CLI::App& app, ServerReplayFlags& flags) {
  app.add_flag("--passthrough", flags.passthrough,
               "Send requests the recording has no answer for to the origin (recorded as usual) instead of "
               "answering 502");
  app.add_option("--match", flags.match,
                 "Relax or tighten matching (repeatable): ignore-body, ignore-param=NAME (a query parameter or "
                 "form field), header=NAME (this header must match too)")
      ->allow_extra_args(false);  // one rule per --match: what follows is the command's
  app.add_flag("--strict", flags.strict,
               "Exit 3 when any request had no recorded answer, after listing them");
}

std::expected<std::shared_ptr<server_replay::ServerReplayHook>, int> set_up_server_replay(
    const ServerReplayFlags& flags, ProxyOptions& proxy, std::FILE* lines) {
  // Usage errors first, before the file is read.
  server_replay::MatchRules rules;
  for (const std::string& rule : flags.match) {
    if (auto added = server_replay::add_match_rule(rules, rule); !added) {
      return std::unexpected(print_error(added.error().message, 2));
    }
  }
  std::optional<filter::Filter> filter;
  if (flags.filter) {
    auto compiled = filter::Filter::compile(*flags.filter);
    if (!compiled) return std::unexpected(print_error("--from-filter: " + compiled.error().message, 2));
    filter = std::move(*compiled);
  }

  auto recording = server_replay::load_recording(flags.recording);
  if (!recording) return std::unexpected(print_error(recording.error().message, 1));
  for (const auto& warning : recording->warnings) std::fprintf(stderr, "flowscope: %s\n", warning.c_str());
  const std::size_t not_matching = filter ? server_replay::keep_matching(*recording, *filter) : 0;
  auto responses = std::make_shared<server_replay::RecordedResponses>(std::move(recording->flows), rules);

  std::string loaded = "flowscope: serving " + plural(responses->responses(), "response", "responses") + " to " +
                       plural(responses->requests(), "request", "requests") + " from " + flags.recording;
  if (responses->left_out() > 0) {
    loaded += "; " + plural(responses->left_out(), "flow", "flows") +
              " without a response to serve left out (tunnels, WebSockets, failures)";
  }
  if (recording->skipped > 0) loaded += "; " + std::to_string(recording->skipped) + " unreadable records skipped";
  if (not_matching > 0) loaded += "; " + std::to_string(not_matching) + " not matching --from-filter";
  std::fprintf(stderr, "%s\n", loaded.c_str());
  if (responses->truncated() > 0) {
    std::fprintf(stderr,
                 "flowscope: %s cut by the body limit when recorded: served as far as kept (record with "
                 "--body-limit 0 to keep whole bodies)\n",
                 plural(responses->truncated(), "response was", "responses were").c_str());
  }
  if (responses->responses() == 0) {
    std::fprintf(stderr, "flowscope: %s has no response to serve: every request will be %s\n",
                 flags.recording.c_str(), flags.passthrough ? "passed to the origin" : "answered 502");
  }

  server_replay::ServerReplayOptions options;
  options.passthrough = flags.passthrough;
  options.recording_name = std::filesystem::path(flags.recording).filename().string();
  options.body_limit = proxy.engine.config.body_limit;
  if (!flags.quiet) {
    options.on_outcome = [lines](const Outcome& outcome) {
      // One call per line: stdio locks the stream, so lines from workers do not mix.
      std::fprintf(lines, "%s\n", server_replay::outcome_line(outcome).c_str());
      std::fflush(lines);
    };
  }
  auto hook = std::make_shared<server_replay::ServerReplayHook>(std::move(responses), std::move(options));
  proxy.engine.hooks.push_back(hook);
  proxy.engine.config.defer_tunnel_connect = true;
  return hook;
}

bool print_server_replay_summary(const server_replay::ServerReplayHook& hook, std::FILE* out) {
  const server_replay::Tally tally = hook.tally();
  for (const std::string& line : server_replay::summary_lines(tally, hook.responses().never_asked())) {
    std::fprintf(out, "flowscope: %s\n", line.c_str());
  }
  std::fflush(out);
  return tally.unmatched + tally.passed_through > 0;
}

}  // namespace flowscope::cli
