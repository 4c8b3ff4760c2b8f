// flowscope: the command line. Each subcommand lives in its own file.
#include <CLI/CLI.hpp>

#include "cli/ca_command.hpp"
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
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; anything else CLI11 rejects is a usage error (2).
    return app.exit(e) == 0 ? 0 : 2;
  }
  return exit_code;
}
