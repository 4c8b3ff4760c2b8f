#pragma once
#include <CLI/CLI.hpp>

namespace flowscope::cli {

// `flowscope serve --from api.har`: a proxy that answers from a recording (server
// replay, for mocking in CI), printing one line per request and a summary at exit.
void add_serve_command(CLI::App& app, int& exit_code);

}  // namespace flowscope::cli
