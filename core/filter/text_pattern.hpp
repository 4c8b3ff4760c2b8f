#pragma once
// The REGEX argument of ~u, ~h, ~b, ~t and friends: always case-insensitive.
//
// std::regex is slow (hundreds of ns to build a match state even on short input), and
// most patterns people type are plain words ("api", "login", "^https://"). Those take
// a literal path: an ASCII case-folded substring, prefix, suffix or equality test. Only
// a pattern with a metacharacter left after unescaping (`\.` is a literal dot) is
// compiled as a std::regex (ECMAScript, icase, optimize, multiline), once, and a
// literal run every match must contain ("x-request-id: " in `x-request-id: \d+`) is
// searched first, so most non-matching text never reaches the regex engine.
#include <memory>
#include <regex>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace flowscope::filter {

class TextPattern {
 public:
  // Errors name what std::regex rejected.
  static Result<TextPattern> compile(std::string_view pattern);

  bool search(std::string_view text) const;
  bool is_literal() const { return mode_ != Mode::kRegex; }

 private:
  bool line_matches(std::string_view line) const;

  enum class Mode { kContains, kPrefix, kSuffix, kEqual, kRegex };
  Mode mode_ = Mode::kContains;
  // The literal, lower-cased; for a regex, a run of text every match contains (or "").
  std::string folded_;
  std::shared_ptr<const std::regex> regex_;  // shared: a Filter's copies share one compiled regex
};

// ASCII case-insensitive substring search; `folded_needle` is already lower-case.
bool contains_folded(std::string_view haystack, std::string_view folded_needle);
bool equals_folded(std::string_view text, std::string_view folded);

}  // namespace flowscope::filter
