#pragma once
// Eight bytes at a time (SWAR), for the scans of the line writer and the text check:
// the common case, plain ASCII with nothing to escape, then costs a few instructions
// per eight bytes instead of a branch per byte. Internal to core/flow.
#include <cstdint>
#include <cstring>

namespace flowscope::flow::swar {

inline constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
inline constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

inline std::uint64_t load8(const char* p) {
  std::uint64_t word;
  std::memcpy(&word, p, 8);
  return word;
}
// Nonzero iff some byte of `word` is below `n` (n <= 128).
constexpr std::uint64_t any_below(std::uint64_t word, std::uint8_t n) {
  return (word - kOnes * n) & ~word & kHighBits;
}
// Nonzero iff some byte of `word` equals `b`.
constexpr std::uint64_t any_equal(std::uint64_t word, std::uint8_t b) {
  return any_below(word ^ (kOnes * b), 1);
}

}  // namespace flowscope::flow::swar
