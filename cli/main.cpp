// flowscope: the command line. Each subcommand lives in its own file; command_line.cpp
// parses and maps the outcome to an exit code (docs/cli.md).
#include <CLI/CLI.hpp>

#include "cli/ca_command.hpp"
#include "cli/command_line.hpp"
#include "cli/convert_commands.hpp"
#include "cli/diff_command.hpp"
#include "cli/record_command.hpp"
#include "cli/replay_command.hpp"
#include "cli/run_command.hpp"
#include "cli/serve_command.hpp"
#include "cli/show_command.hpp"

int main(int argc, char** argv) {
  CLI::App app{"flowscope: an HTTP(S) debugging proxy"};
  app.set_version_flag("--version", "flowscope 0.1.0");
  app.require_subcommand(1);
  int exit_code = 0;
  flowscope::cli::add_run_command(app, exit_code);
  flowscope::cli::add_record_command(app, exit_code);
  flowscope::cli::add_serve_command(app, exit_code);
  flowscope::cli::add_convert_commands(app, exit_code);
  flowscope::cli::add_ca_command(app, exit_code);
  flowscope::cli::add_show_command(app, exit_code);
  flowscope::cli::add_diff_command(app, exit_code);
  flowscope::cli::add_replay_command(app, exit_code);
  return flowscope::cli::run_command_line(app, argc, argv, exit_code);
}
