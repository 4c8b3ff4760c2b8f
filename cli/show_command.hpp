#pragma once
#include <CLI/CLI.hpp>

namespace flowscope::cli {

// `flowscope show FILE [--filter EXPR] [--full | --json]`: the flows of a store or HAR,
// one line each as `run` prints them, in full, or as JSON Lines.
void add_show_command(CLI::App& app, int& exit_code);

}  // namespace flowscope::cli
