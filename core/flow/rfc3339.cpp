#include "core/flow/rfc3339.hpp"

#include <charconv>
#include <chrono>

namespace flowscope::flow {

namespace {

constexpr std::int64_t kUsPerSecond = 1'000'000;
constexpr std::int64_t kUsPerDay = 86'400 * kUsPerSecond;

int parse_digits(std::string_view text, std::size_t at, std::size_t count, bool& ok) {
  int value = 0;
  if (at + count > text.size()) {
    ok = false;
    return 0;
  }
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') ok = false;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

std::string format_timestamp_us(std::int64_t unix_us) {
  using namespace std::chrono;
  // Floor division, so instants before 1970 still get a time of day in [0, 24h).
  std::int64_t day = unix_us / kUsPerDay;
  std::int64_t in_day = unix_us % kUsPerDay;
  if (in_day < 0) {
    in_day += kUsPerDay;
    --day;
  }
  year_month_day date{sys_days{days{day}}};
  std::int64_t seconds = in_day / kUsPerSecond;
  // By hand rather than snprintf, which showed in the writer's profile.
  char buf[32];
  char* p = buf;
  auto digits = [&p](std::int64_t value, int width) {
    for (int i = width - 1; i >= 0; --i) {
      p[i] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
    p += width;
  };
  int y = static_cast<int>(date.year());
  if (y < 0 || y > 9999) {
    // Outside RFC 3339's four-digit years; written, but not read back.
    auto [end, ec] = std::to_chars(p, buf + 8, y);
    p = end;
  } else {
    digits(y, 4);
  }
  *p++ = '-';
  digits(static_cast<unsigned>(date.month()), 2);
  *p++ = '-';
  digits(static_cast<unsigned>(date.day()), 2);
  *p++ = 'T';
  digits(seconds / 3600, 2);
  *p++ = ':';
  digits(seconds / 60 % 60, 2);
  *p++ = ':';
  digits(seconds % 60, 2);
  *p++ = '.';
  digits(in_day % kUsPerSecond, 6);
  *p++ = 'Z';
  return std::string(buf, static_cast<std::size_t>(p - buf));
}

std::optional<std::int64_t> parse_timestamp_us(std::string_view text) {
  using namespace std::chrono;
  // YYYY-MM-DDTHH:MM:SS
  bool ok = text.size() >= 20 && text[4] == '-' && text[7] == '-' &&
            (text[10] == 'T' || text[10] == 't' || text[10] == ' ') && text[13] == ':' &&
            text[16] == ':';
  if (!ok) return std::nullopt;
  int y = parse_digits(text, 0, 4, ok);
  int mo = parse_digits(text, 5, 2, ok);
  int d = parse_digits(text, 8, 2, ok);
  int h = parse_digits(text, 11, 2, ok);
  int mi = parse_digits(text, 14, 2, ok);
  int s = parse_digits(text, 17, 2, ok);
  if (!ok || h > 23 || mi > 59 || s > 60) return std::nullopt;
  year_month_day date{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!date.ok()) return std::nullopt;

  std::size_t at = 19;
  std::int64_t fraction_us = 0;
  if (at < text.size() && text[at] == '.') {
    ++at;
    std::size_t digits = 0;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      if (digits < 6) fraction_us = fraction_us * 10 + (text[at] - '0');
      ++digits;
      ++at;
    }
    if (digits == 0) return std::nullopt;
    for (std::size_t i = digits; i < 6; ++i) fraction_us *= 10;
  }
  std::int64_t offset_s = 0;
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
    ++at;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    if (at + 6 != text.size() || text[at + 3] != ':') return std::nullopt;
    int oh = parse_digits(text, at + 1, 2, ok);
    int om = parse_digits(text, at + 4, 2, ok);
    if (!ok || oh > 23 || om > 59) return std::nullopt;
    offset_s = (oh * 3600 + om * 60) * (text[at] == '+' ? 1 : -1);
    at += 6;
  } else {
    return std::nullopt;
  }
  if (at != text.size()) return std::nullopt;
  std::int64_t day_count = sys_days{date}.time_since_epoch().count();
  std::int64_t seconds = day_count * 86'400 + h * 3600 + mi * 60 + s - offset_s;
  return seconds * kUsPerSecond + fraction_us;
}

}  // namespace flowscope::flow
