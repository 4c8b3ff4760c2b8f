#pragma once
// Which header names a comparison leaves out. Some headers differ on every run without
// saying anything about the API (Date, request ids, cookies carrying a new session, the
// framing a replay picks), so they are left out by default, as a mitmproxy user
// expects; --ignore-header adds patterns, and --no-default-ignores compares the
// defaults again. docs/cli.md lists them.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/filter/text_pattern.hpp"
#include "core/result.hpp"

namespace flowscope::compare {

// The names left out unless the defaults are turned off (case-insensitive).
std::span<const std::string_view> default_ignored_headers();

class HeaderRules {
 public:
  // Each pattern is a case-insensitive regex searched in the header name, as ~h is in
  // filters: `x-request` also ignores X-Request-Start; anchor with ^…$ for one name.
  // Errors name the pattern and what std::regex rejected.
  static Result<HeaderRules> make(const std::vector<std::string>& ignore_patterns,
                                  bool default_ignores = true);

  bool ignored(std::string_view name) const;

 private:
  std::vector<filter::TextPattern> patterns_;
  bool default_ignores_ = true;
};

}  // namespace flowscope::compare
