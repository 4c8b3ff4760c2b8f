#include "histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace flowscope::loadgen {

unsigned Histogram::index_of(uint64_t value) {
  if (value < kLinear) return static_cast<unsigned>(value);
  unsigned exponent = 63u - static_cast<unsigned>(std::countl_zero(value));  // >= kSubBits + 1
  unsigned sub = static_cast<unsigned>(value >> (exponent - kSubBits)) - (1u << kSubBits);
  return kLinear + (exponent - kSubBits - 1) * (1u << kSubBits) + sub;
}

uint64_t Histogram::midpoint_of(unsigned index) {
  if (index < kLinear) return index;
  unsigned octave = (index - kLinear) >> kSubBits;
  unsigned sub = (index - kLinear) & ((1u << kSubBits) - 1);
  unsigned shift = octave + 1;  // exponent - kSubBits
  uint64_t lower = static_cast<uint64_t>((1u << kSubBits) + sub) << shift;
  return lower + ((uint64_t{1} << shift) >> 1);
}

void Histogram::record(uint64_t value) {
  ++counts_[index_of(value)];
  ++count_;
  sum_ += value;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
}

void Histogram::merge(const Histogram& other) {
  for (unsigned i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

uint64_t Histogram::percentile(double percent) const {
  if (count_ == 0) return 0;
  auto rank = static_cast<uint64_t>(std::ceil(percent / 100.0 * static_cast<double>(count_)));
  rank = std::clamp<uint64_t>(rank, 1, count_);
  uint64_t seen = 0;
  for (unsigned i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::clamp(midpoint_of(i), min_, max_);
  }
  return max_;
}

}  // namespace flowscope::loadgen
