#include "cli/unknown_subcommand.hpp"

#include <algorithm>
#include <limits>

#include "core/edit_distance.hpp"

namespace flowscope::cli {

namespace {

std::vector<CLI::App*> subcommands_of(CLI::App& app) {
  return app.get_subcommands([](CLI::App*) { return true; });
}

// True when `arg` (an option of `app`) takes its value from the next argument.
bool takes_next_argument(CLI::App& app, const std::string& arg) {
  if (arg.find('=') != std::string::npos) return false;  // --listen=127.0.0.1:0
  const CLI::Option* option = app.get_option_no_throw(arg);
  return option != nullptr && option->get_type_size() > 0;
}

bool has_positionals(CLI::App& app) {
  return !app.get_options([](CLI::Option* option) { return option->get_positional(); }).empty();
}

std::string joined(const std::vector<std::string>& names, const char* last_separator) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? last_separator : ", ";
    out += names[i];
  }
  return out;
}

}  // namespace

std::vector<std::string> subcommand_names(CLI::App& app) {
  std::vector<std::string> names;
  for (CLI::App* sub : subcommands_of(app)) names.push_back(sub->get_name());
  return names;
}

std::vector<std::string> nearest_names(const std::string& typed, const std::vector<std::string>& names) {
  std::vector<std::string> prefixed;
  for (const auto& name : names) {
    if (!typed.empty() && name.starts_with(typed)) prefixed.push_back(name);
  }
  if (!prefixed.empty()) return prefixed;

  std::size_t best = std::numeric_limits<std::size_t>::max();
  std::vector<std::string> nearest;
  for (const auto& name : names) {
    const std::size_t distance = edit_distance(typed, name);
    // Two edits are a typo in a long name; a short one ("ca", "run") allows one.
    if (distance > (name.size() >= 4 ? 2u : 1u)) continue;
    if (distance < best) {
      best = distance;
      nearest.clear();
    }
    if (distance == best) nearest.push_back(name);
  }
  return nearest;
}

std::optional<UnknownSubcommand> find_unknown_subcommand(CLI::App& app, const std::vector<std::string>& args) {
  CLI::App* current = &app;
  std::string path = "flowscope";
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") return std::nullopt;
    if (arg.size() > 1 && arg[0] == '-') {
      if (takes_next_argument(*current, arg)) ++i;
      continue;
    }
    const auto subcommands = subcommands_of(*current);
    if (subcommands.empty()) return std::nullopt;
    auto found = std::find_if(subcommands.begin(), subcommands.end(),
                              [&](CLI::App* sub) { return sub->check_name(arg); });
    if (found != subcommands.end()) {
      current = *found;
      path += " " + (*found)->get_name();
      continue;
    }
    if (has_positionals(*current)) return std::nullopt;
    UnknownSubcommand unknown{path, arg, subcommand_names(*current), {}};
    unknown.suggestions = nearest_names(arg, unknown.known);
    return unknown;
  }
  return std::nullopt;
}

std::string describe(const UnknownSubcommand& unknown) {
  std::string out = "unknown subcommand '" + unknown.typed + "' for " + unknown.parent;
  if (!unknown.suggestions.empty()) out += ": did you mean " + joined(unknown.suggestions, " or ") + "?";
  out += "\n" + unknown.parent + " has: " + joined(unknown.known, " and ") + " (see '" + unknown.parent +
         " --help')";
  return out;
}

}  // namespace flowscope::cli
