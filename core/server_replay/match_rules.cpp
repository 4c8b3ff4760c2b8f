#include "core/server_replay/match_rules.hpp"

#include <algorithm>
#include <cctype>

namespace flowscope::server_replay {

namespace {

constexpr std::string_view kKnownRules = "ignore-body, ignore-param=NAME or header=NAME";

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

Result<void> add_match_rule(MatchRules& rules, std::string_view rule) {
  if (rule == "ignore-body") {
    rules.ignore_body = true;
    return {};
  }
  const std::size_t equals = rule.find('=');
  const std::string_view name = rule.substr(0, equals);
  const std::string_view value = equals == std::string_view::npos ? std::string_view() : rule.substr(equals + 1);
  if (name == "ignore-param" || name == "header") {
    if (value.empty()) {
      return fail("--match " + std::string(rule) + " needs a name: --match " + std::string(name) + "=NAME");
    }
    if (name == "ignore-param") {
      rules.ignored_params.emplace(value);
    } else if (std::string header = lower(value);
               std::find(rules.headers.begin(), rules.headers.end(), header) == rules.headers.end()) {
      rules.headers.push_back(std::move(header));
    }
    return {};
  }
  return fail("unknown --match rule \"" + std::string(rule) + "\": expected " + std::string(kKnownRules));
}

}  // namespace flowscope::server_replay
