#pragma once
// What server replay compares when it looks a live request up in a recording, and the
// `--match` rules that change it. By default a request matches a recorded one when the
// method, the URL (query parameters in any order) and the body are the same; headers
// take no part, as in mitmproxy's server replay, because clients vary them freely
// (User-Agent, dates, tracing ids). docs/cli.md "Matching" is the user's view.
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace flowscope::server_replay {

struct MatchRules {
  bool ignore_body = false;
  // Left out of the comparison by exact name: query parameters, and the fields of an
  // application/x-www-form-urlencoded body (a timestamp, a nonce, a CSRF token).
  std::set<std::string> ignored_params;
  // Headers that must also be equal (all their values, in order); names are compared
  // case-insensitively and kept lower case here.
  std::vector<std::string> headers;
};

// Adds one `--match` rule: "ignore-body", "ignore-param=NAME" or "header=NAME". An
// unknown or incomplete rule is an error that lists the known ones.
Result<void> add_match_rule(MatchRules& rules, std::string_view rule);

}  // namespace flowscope::server_replay
