#pragma once
#include <CLI/CLI.hpp>

namespace flowscope::cli {

// `flowscope diff A B [--filter EXPR] [--ignore-header REGEX] [--ignore-field PATH]`:
// which requests two recordings do not share, and how the shared ones differ. Exits 0
// when they are equal, 1 when they differ and 2 for trouble (usage, unreadable file),
// as diff(1) does.
void add_diff_command(CLI::App& app, int& exit_code);

}  // namespace flowscope::cli
