#pragma once
// The argument of ~dur and ~size: a comparison, a number and a unit, written without
// spaces: ">500ms", "<=1.5s", "=0", ">1mb". No operator means "=". No unit means the
// term's base unit (ms for ~dur, bytes for ~size).
#include <expected>
#include <span>
#include <string>
#include <string_view>

namespace flowscope::filter {

enum class Comparison { kLess, kLessEqual, kEqual, kGreaterEqual, kGreater };

struct Unit {
  std::string_view suffix;  // lower-case; matched case-insensitively
  double factor;            // how many base units one of these is
};

struct Threshold {
  Comparison comparison = Comparison::kEqual;
  double value = 0;  // in the base unit

  bool holds(double measured) const;
};

// `units` lists the accepted suffixes; errors say what was expected, e.g.
// "expected a comparison such as >500ms (units: us, ms, s)".
std::expected<Threshold, std::string> parse_threshold(std::string_view text, std::span<const Unit> units,
                                                      std::string_view example);

}  // namespace flowscope::filter
