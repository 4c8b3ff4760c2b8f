#pragma once
// Levenshtein distance, for "did you mean …?" hints on misspelt names (filter terms,
// subcommands). Names are short, so the plain O(n·m) row algorithm is plenty.
#include <cstddef>
#include <string_view>

namespace flowscope {

// The fewest single-byte insertions, deletions and substitutions that turn `a` into `b`.
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace flowscope
