#pragma once
#include <CLI/CLI.hpp>

namespace flowscope::cli {

// `flowscope run`: the proxy in the foreground, printing one line per flow.
void add_run_command(CLI::App& app, int& exit_code);

}  // namespace flowscope::cli
