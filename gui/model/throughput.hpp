#pragma once
// The status bar's "bytes per second in and out": body bytes of finished and
// progressing flows, summed over the last few one-second buckets. The GUI thread
// feeds it as it drains the live queue, so it needs no lock.
#include <array>
#include <cstdint>

namespace flowscope::gui {

struct Rates {
  double in_per_second = 0;   // from origins (response bodies)
  double out_per_second = 0;  // from clients (request bodies)
};

// The clock to feed it: steady milliseconds.
std::int64_t steady_now_ms();

class Throughput {
 public:
  // `now_ms`: any monotonic clock in milliseconds, never going back.
  void add(std::int64_t now_ms, std::uint64_t bytes_in, std::uint64_t bytes_out);
  // The mean over the last kWindowSeconds whole seconds before `now_ms`.
  Rates rates(std::int64_t now_ms) const;

  static constexpr int kWindowSeconds = 3;

 private:
  struct Bucket {
    std::int64_t second = -1;
    std::uint64_t in = 0;
    std::uint64_t out = 0;
  };
  // One more than the window, so the second still filling never counts.
  std::array<Bucket, kWindowSeconds + 1> buckets_{};
};

}  // namespace flowscope::gui
