#include "gui/model/gui_script.hpp"

#include <charconv>
#include <optional>

namespace flowscope::gui {

namespace {

struct VerbSpelling {
  std::string_view word;
  ScriptVerb verb;
};

constexpr VerbSpelling kVerbs[] = {
    {"wait-flows", ScriptVerb::kWaitFlows},   {"wait-finished", ScriptVerb::kWaitFinished},
    {"select", ScriptVerb::kSelect},
    {"select-last", ScriptVerb::kSelectLast}, {"filter", ScriptVerb::kFilter},
    {"tab", ScriptVerb::kTab},                {"replay", ScriptVerb::kReplay},
    {"breakpoint", ScriptVerb::kBreakpoint},  {"wait-paused", ScriptVerb::kWaitPaused},
    {"edit-header", ScriptVerb::kEditHeader}, {"continue", ScriptVerb::kContinue},
    {"abort", ScriptVerb::kAbort},            {"screenshot", ScriptVerb::kScreenshot},
    {"dump-state", ScriptVerb::kDumpState},   {"quit", ScriptVerb::kQuit},
};

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

// The first word and the trimmed rest.
std::pair<std::string_view, std::string_view> split_word(std::string_view text) {
  const auto space = text.find_first_of(" \t");
  if (space == std::string_view::npos) return {text, {}};
  return {text.substr(0, space), trim(text.substr(space))};
}

std::optional<std::size_t> parse_count(std::string_view text) {
  std::size_t value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

Result<ScriptCommand> parse_line(std::string_view line, std::size_t number) {
  auto [word, rest] = split_word(line);
  auto bad = [number](const std::string& why) {
    return fail("script line " + std::to_string(number) + ": " + why);
  };
  std::optional<ScriptVerb> verb;
  for (const auto& spelling : kVerbs) {
    if (spelling.word == word) verb = spelling.verb;
  }
  if (!verb) return bad("unknown command '" + std::string(word) + "'");

  ScriptCommand command;
  command.verb = *verb;
  command.line = number;
  switch (*verb) {
    case ScriptVerb::kWaitFlows:
    case ScriptVerb::kWaitFinished:
    case ScriptVerb::kSelect: {
      auto count = parse_count(rest);
      if (!count) return bad(std::string(word) + " takes a number, not '" + std::string(rest) + "'");
      command.number = *count;
      break;
    }
    case ScriptVerb::kFilter:  // an empty filter clears it
      command.text = rest;
      break;
    case ScriptVerb::kTab:
    case ScriptVerb::kScreenshot:
    case ScriptVerb::kDumpState:
      if (rest.empty()) return bad(std::string(word) + " needs an argument");
      command.text = rest;
      break;
    case ScriptVerb::kBreakpoint: {
      auto [side, expression] = split_word(rest);
      if (side != "request" && side != "response" && side != "both") {
        return bad("breakpoint takes request, response or both, then a filter expression");
      }
      if (expression.empty()) return bad("breakpoint needs a filter expression");
      command.value = side;
      command.text = expression;
      break;
    }
    case ScriptVerb::kEditHeader: {
      auto [name, value] = split_word(rest);
      if (name.empty()) return bad("edit-header takes a header name and a value");
      command.text = name;
      command.value = value;
      break;
    }
    default:
      if (!rest.empty()) return bad(std::string(word) + " takes no argument");
  }
  return command;
}

}  // namespace

Result<std::vector<ScriptCommand>> parse_script(std::string_view source) {
  std::vector<ScriptCommand> commands;
  std::size_t number = 0;
  while (!source.empty()) {
    const auto newline = source.find('\n');
    const std::string_view raw = source.substr(0, newline);
    source = newline == std::string_view::npos ? std::string_view{} : source.substr(newline + 1);
    ++number;
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    auto command = parse_line(line, number);
    if (!command) return fail(command.error().message);
    commands.push_back(std::move(*command));
  }
  return commands;
}

}  // namespace flowscope::gui
