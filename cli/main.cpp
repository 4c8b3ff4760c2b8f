// flowscope: the command line. Each subcommand lives in its own file.
#include <CLI/CLI.hpp>

#include "cli/ca_command.hpp"
#include "cli/convert_commands.hpp"
#include "cli/record_command.hpp"
#include "cli/run_command.hpp"

int main(int argc, char** argv) {
  CLI::App app{"flowscope: an HTTP(S) debugging proxy"};
  app.set_version_flag("--version", "flowscope 0.1.0");
  app.require_subcommand(1);
  int exit_code = 0;
  flowscope::cli::add_run_command(app, exit_code);
  flowscope::cli::add_record_command(app, exit_code);
  flowscope::cli::add_convert_commands(app, exit_code);
  flowscope::cli::add_ca_command(app, exit_code);
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
