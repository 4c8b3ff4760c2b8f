#include "gui/model/throughput.hpp"

#include <chrono>

namespace flowscope::gui {

std::int64_t steady_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void Throughput::add(std::int64_t now_ms, std::uint64_t bytes_in, std::uint64_t bytes_out) {
  const std::int64_t second = now_ms / 1000;
  Bucket& bucket = buckets_[static_cast<std::size_t>(second % static_cast<std::int64_t>(buckets_.size()))];
  if (bucket.second != second) bucket = Bucket{second, 0, 0};
  bucket.in += bytes_in;
  bucket.out += bytes_out;
}

Rates Throughput::rates(std::int64_t now_ms) const {
  const std::int64_t current = now_ms / 1000;
  std::uint64_t in = 0;
  std::uint64_t out = 0;
  for (const Bucket& bucket : buckets_) {
    if (bucket.second < current && bucket.second >= current - kWindowSeconds) {
      in += bucket.in;
      out += bucket.out;
    }
  }
  return Rates{static_cast<double>(in) / kWindowSeconds, static_cast<double>(out) / kWindowSeconds};
}

}  // namespace flowscope::gui
