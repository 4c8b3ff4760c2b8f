#include "core/proxy/clock.hpp"

#include <chrono>

namespace flowscope::proxy {

Clock Clock::system() {
  return Clock{
      [] {
        return std::chrono::duration_cast<std::chrono::microseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
      },
      [] {
        return std::chrono::duration_cast<std::chrono::microseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
      }};
}

double elapsed_ms(std::int64_t from_us, std::int64_t to_us) {
  if (from_us == 0 || to_us == 0 || to_us < from_us) return -1;
  return static_cast<double>(to_us - from_us) / 1000.0;
}

}  // namespace flowscope::proxy
