#include "cli/command_line.hpp"

#include <cstdio>
#include <string>
#include <vector>

#include "cli/unknown_subcommand.hpp"

namespace flowscope::cli {

namespace {

constexpr int kUsageError = 2;

struct Reached {
  CLI::App* app;
  std::string path;  // "flowscope record"
};

// The deepest subcommand the parse reached, whose --help to read.
Reached parsed_command(CLI::App& app) {
  Reached reached{&app, "flowscope"};
  for (;;) {
    const auto chosen = reached.app->get_subcommands();
    if (chosen.empty()) return reached;
    reached.app = chosen.front();
    reached.path += " " + reached.app->get_name();
  }
}

// CLI11 says only "A subcommand is required"; the names say what to type.
std::string message_for(const CLI::ParseError& error, const Reached& reached) {
  const auto names = subcommand_names(*reached.app);
  if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr && reached.app->get_subcommands().empty() &&
      !names.empty() && std::string(error.what()).find("subcommand") != std::string::npos) {
    std::string out = reached.path + " needs a subcommand:";
    for (const auto& name : names) out += " " + name;
    return out;
  }
  return error.what();
}

}  // namespace

int run_command_line(CLI::App& app, int argc, char** argv, const int& exit_code) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (auto unknown = find_unknown_subcommand(app, args)) {
    std::fprintf(stderr, "flowscope: %s\n", describe(*unknown).c_str());
    return kUsageError;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(error);  // --help, --version
    const Reached reached = parsed_command(app);
    std::fprintf(stderr, "flowscope: %s\nRun '%s --help' for its options.\n", message_for(error, reached).c_str(),
                 reached.path.c_str());
    return kUsageError;
  }
  return exit_code;
}

}  // namespace flowscope::cli
