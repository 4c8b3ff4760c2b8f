#pragma once
// The two clocks a session reads; tests pass fake ones.
#include <cstdint>
#include <functional>

namespace flowscope::proxy {

struct Clock {
  std::function<std::int64_t()> monotonic_us;  // for durations
  std::function<std::int64_t()> wall_us;       // Unix epoch, for flow start times
  static Clock system();
};

// Milliseconds from one monotonic reading to a later one; -1 (HAR's "did not happen")
// when either is unset (0) or they are out of order.
double elapsed_ms(std::int64_t from_us, std::int64_t to_us);

}  // namespace flowscope::proxy
