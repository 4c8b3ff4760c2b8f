#pragma once
// Parses argv with the app's subcommands and runs the chosen one, turning CLI11's
// outcomes into flowscope's exit codes (docs/cli.md): --help and --version 0, a usage
// error 2 (an unknown subcommand, a missing or malformed option), and otherwise what the
// subcommand's callback left in `exit_code` (0 ok, 1 runtime failure, or the child's
// status for `record -- CMD`).
#include <CLI/CLI.hpp>

namespace flowscope::cli {

int run_command_line(CLI::App& app, int argc, char** argv, const int& exit_code);

}  // namespace flowscope::cli
