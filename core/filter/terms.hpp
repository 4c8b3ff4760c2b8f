#pragma once
// The filter terms (~d, ~u, ~c, …): their names, whether they take an argument, and
// how each compiles into a Node. docs/filters.md gives each one's exact meaning.
#include <expected>
#include <span>
#include <string>
#include <string_view>

#include "core/filter/node.hpp"

namespace flowscope::filter {

struct TermSpec {
  std::string_view name;  // without the '~'
  bool takes_argument;
  bool reads_bodies;      // the slow terms: they decode bodies on every match
  // The argument is empty for terms without one. Errors say what the argument should be.
  std::expected<NodePtr, std::string> (*build)(std::string_view argument);
};

std::span<const TermSpec> all_terms();
const TermSpec* find_term(std::string_view name);
// The known term nearest to a misspelt one, for "did you mean ~h?"; empty when none is close.
std::string_view closest_term(std::string_view name);

}  // namespace flowscope::filter
