#pragma once
// Which names are secret: header names, query and form parameter names, JSON field
// names. A name is secret when any of the matcher's patterns is found in it, ignoring
// case ("token" finds "access_token" and "X-Token-Id"; anchor with ^…$ for a whole
// name). Every header of every flow and every member name of a JSON body is asked, so
// the common patterns skip the regex engine: a plain word ("token") is an ASCII
// case-folded substring test and an anchored one ("^cookie$") a length check and a
// compare, on a name folded once. Anything else is a filter::TextPattern, compiled once.
#include <string>
#include <string_view>
#include <vector>

#include "core/filter/text_pattern.hpp"
#include "core/result.hpp"

namespace flowscope::redact {

class NameMatcher {
 public:
  // `what` names the patterns in errors ("--redact-field"). An empty pattern is an error:
  // it would match every name, and `.` says that on purpose.
  static Result<NameMatcher> compile(const std::vector<std::string>& patterns, std::string_view what);

  bool matches(std::string_view name) const;
  bool empty() const { return words_.empty() && whole_names_.empty() && patterns_.empty(); }

 private:
  std::vector<std::string> words_;        // folded; found anywhere in the name
  std::vector<std::string> whole_names_;  // folded; the whole name
  std::vector<filter::TextPattern> patterns_;
};

}  // namespace flowscope::redact
