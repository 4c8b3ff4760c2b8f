#pragma once
// The flags `flowscope serve` and `flowscope record --replay` share, and turning them
// into the server replay hook (core/server_replay). The CLI only parses; matching and
// answering are in core.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/proxy_options.hpp"
#include "core/server_replay/server_replay_hook.hpp"

namespace flowscope::cli {

struct ServerReplayFlags {
  std::string recording;  // serve --from, record --replay
  bool passthrough = false;
  std::vector<std::string> match;
  std::optional<std::string> filter;  // serve only: which recorded flows are served
  bool strict = false;
  bool quiet = false;
};

// --passthrough, --match and --strict.
void add_server_replay_flags(CLI::App& app, ServerReplayFlags& flags);

// Checks --match and --filter, reads the recording (saying on stderr what it holds),
// builds the hook that prints one line per request to `lines` (unless quiet), and
// puts it into `proxy`'s engine, which it sets to defer tunnel connects so that https
// is served with the origin offline. On failure prints why and gives the exit code: 2
// for a bad --match or --filter, 1 for a recording that cannot be read.
std::expected<std::shared_ptr<server_replay::ServerReplayHook>, int> set_up_server_replay(
    const ServerReplayFlags& flags, ProxyOptions& proxy, std::FILE* lines);

// The closing lines on `out`; true when some request had no recorded answer.
bool print_server_replay_summary(const server_replay::ServerReplayHook& hook, std::FILE* out);

// The exit code --strict gives when some request had no recorded answer (docs/cli.md).
inline constexpr int kUnmatchedExitCode = 3;

}  // namespace flowscope::cli
