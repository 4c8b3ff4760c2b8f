#pragma once
// A word where a subcommand belongs that names none (`flowscope replai`). CLI11 alone
// would read it as a stray argument, and `flowscope replai --help` would print the
// top-level help and exit 0; flowscope makes it a usage error with a did-you-mean hint.
// The known names come from the CLI11 app itself, so subcommands added anywhere are
// suggested without a list to keep up to date.
#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

namespace flowscope::cli {

struct UnknownSubcommand {
  std::string parent;  // "flowscope", "flowscope ca"
  std::string typed;
  std::vector<std::string> known;        // the parent's subcommands, in the order they were added
  std::vector<std::string> suggestions;  // the nearest of them; empty when none is close
};

// The names of `app`'s subcommands, in the order they were added.
std::vector<std::string> subcommand_names(CLI::App& app);

// Walks `args` (argv without the program name) down the subcommand tree. Options are
// skipped with their values; the walk stops at `--`, at a command without subcommands,
// and at a command that also takes positional arguments.
std::optional<UnknownSubcommand> find_unknown_subcommand(CLI::App& app, const std::vector<std::string>& args);

// "unknown subcommand 'replai' for flowscope: did you mean replay?" plus the known names.
std::string describe(const UnknownSubcommand& unknown);

// The names within a typo of `typed`: those it begins ("rec" -> record), else those at the
// smallest edit distance, when that is small for the name's length. Exposed for tests.
std::vector<std::string> nearest_names(const std::string& typed, const std::vector<std::string>& names);

}  // namespace flowscope::cli
