#pragma once

#include <array>
#include <cstdint>

namespace flowscope::loadgen {

// Log-linear histogram in the manner of HdrHistogram: exact below 128, then 64 linear sub-buckets
// per power of two, so any recorded value is reported within 1/64 (1.6%) of itself. Recording is
// a few instructions and never allocates, which matters at a million samples per second; merging
// per-thread histograms is element-wise addition.
class Histogram {
 public:
  void record(uint64_t value);
  void merge(const Histogram& other);

  uint64_t count() const { return count_; }
  uint64_t min() const { return count_ ? min_ : 0; }
  uint64_t max() const { return max_; }
  double mean() const {
    return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0;
  }
  // Smallest recorded value v such that at least `percent`% of samples are <= v (bucket midpoint,
  // clamped to the true min and max).
  uint64_t percentile(double percent) const;

 private:
  static constexpr unsigned kSubBits = 6;
  static constexpr unsigned kLinear = 2u << kSubBits;  // 128 exact buckets
  static constexpr unsigned kBuckets = kLinear + (64 - kSubBits - 1) * (1u << kSubBits);

  static unsigned index_of(uint64_t value);
  static uint64_t midpoint_of(unsigned index);

  std::array<uint64_t, kBuckets> counts_{};
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
};

}  // namespace flowscope::loadgen
