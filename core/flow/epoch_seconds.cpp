#include "core/flow/epoch_seconds.hpp"

#include <charconv>
#include <cmath>

namespace flowscope::flow {

void append_epoch_seconds(std::int64_t unix_us, std::string& out) {
  // Unsigned magnitude, so that INT64_MIN has one too.
  const bool negative = unix_us < 0;
  const std::uint64_t magnitude =
      negative ? ~static_cast<std::uint64_t>(unix_us) + 1 : static_cast<std::uint64_t>(unix_us);
  if (negative) out += '-';
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, magnitude / 1'000'000);
  out.append(buf, static_cast<std::size_t>(end - buf));
  std::uint64_t fraction = magnitude % 1'000'000;
  char digits[7] = {'.', '0', '0', '0', '0', '0', '0'};
  for (int i = 6; i >= 1; --i, fraction /= 10) digits[i] = static_cast<char>('0' + fraction % 10);
  out.append(digits, sizeof digits);
}

std::optional<std::int64_t> epoch_seconds_to_us(double seconds) {
  // 9.2e12 s is the int64 microsecond range.
  if (!std::isfinite(seconds) || std::fabs(seconds) >= 9.2e12) return std::nullopt;
  // Whole seconds and fraction apart: seconds * 1e6 would round once more, and near
  // 2^32 s that second rounding is enough to land on the neighbouring microsecond.
  const double whole = std::floor(seconds);
  const double fraction = seconds - whole;
  return static_cast<std::int64_t>(whole) * 1'000'000 +
         static_cast<std::int64_t>(std::llround(fraction * 1e6));
}

}  // namespace flowscope::flow
