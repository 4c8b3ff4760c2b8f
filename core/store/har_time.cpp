#include "core/store/har_time.hpp"

#include <chrono>
#include <cstdio>

#include "core/flow/rfc3339.hpp"

namespace flowscope::store::har {

namespace {

using namespace std::chrono;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Leading digits of `token` when there are between `min` and `max` of them and the
// next character (if any) is not a digit: RFC 6265's "1*2DIGIT ( non-digit *OCTET )".
std::optional<int> leading_number(std::string_view token, std::size_t min, std::size_t max) {
  std::size_t n = 0;
  while (n < token.size() && is_digit(token[n])) ++n;
  if (n < min || n > max) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < n; ++i) value = value * 10 + (token[i] - '0');
  return value;
}

// Up to two digits at `at`; false when there is none.
bool take_two_digits(std::string_view token, std::size_t& at, int& out) {
  const std::size_t start = at;
  out = 0;
  while (at < token.size() && at - start < 2 && is_digit(token[at]))
    out = out * 10 + (token[at++] - '0');
  return at > start;
}

// "hh:mm:ss" with one or two digits per field, followed by anything but a digit.
bool parse_time_token(std::string_view token, int& h, int& m, int& s) {
  std::size_t at = 0;
  if (!take_two_digits(token, at, h) || at >= token.size() || token[at++] != ':') return false;
  if (!take_two_digits(token, at, m) || at >= token.size() || token[at++] != ':') return false;
  if (!take_two_digits(token, at, s)) return false;
  return at == token.size() || !is_digit(token[at]);
}

std::optional<int> month_of(std::string_view token) {
  static constexpr std::string_view kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                 "jul", "aug", "sep", "oct", "nov", "dec"};
  if (token.size() < 3) return std::nullopt;
  for (int i = 0; i < 12; ++i) {
    bool same = true;
    for (std::size_t k = 0; k < 3; ++k) {
      char c = token[k];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != kMonths[i][k]) same = false;
    }
    if (same) return i + 1;
  }
  return std::nullopt;
}

bool is_cookie_delimiter(unsigned char c) {
  return c == 0x09 || (c >= 0x20 && c <= 0x2F) || (c >= 0x3B && c <= 0x40) ||
         (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
}

}  // namespace

std::string format_iso_ms(std::int64_t unix_us) {
  const sys_time<milliseconds> ms =
      floor<milliseconds>(sys_time<microseconds>(microseconds(unix_us)));
  const sys_days day = floor<days>(ms);
  const year_month_day ymd(day);
  const hh_mm_ss hms(ms - day);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                static_cast<int>(hms.subseconds().count()));
  return buf;
}

std::optional<std::int64_t> parse_iso_us(std::string_view text) {
  if (auto us = flow::parse_timestamp_us(text)) return us;
  // "+0100": give the offset its colon and let the RFC 3339 parser decide.
  if (text.size() > 5) {
    std::string_view offset = text.substr(text.size() - 5);
    if ((offset[0] == '+' || offset[0] == '-') && is_digit(offset[1]) && is_digit(offset[2]) &&
        is_digit(offset[3]) && is_digit(offset[4])) {
      std::string fixed(text);
      fixed.insert(fixed.size() - 2, ":");
      return flow::parse_timestamp_us(fixed);
    }
  }
  return std::nullopt;
}

std::optional<std::int64_t> parse_cookie_date(std::string_view text) {
  bool found_time = false, found_day = false, found_month = false, found_year = false;
  int hour = 0, minute = 0, second = 0, day_of_month = 0, month_number = 0, year_number = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    while (at < text.size() && is_cookie_delimiter(static_cast<unsigned char>(text[at]))) ++at;
    std::size_t end = at;
    while (end < text.size() && !is_cookie_delimiter(static_cast<unsigned char>(text[end]))) ++end;
    const std::string_view token = text.substr(at, end - at);
    at = end;
    if (token.empty()) continue;
    if (!found_time && parse_time_token(token, hour, minute, second)) {
      found_time = true;
    } else if (auto d = leading_number(token, 1, 2); !found_day && d) {
      found_day = true;
      day_of_month = *d;
    } else if (auto m = month_of(token); !found_month && m) {
      found_month = true;
      month_number = *m;
    } else if (auto y = leading_number(token, 2, 4); !found_year && y) {
      found_year = true;
      year_number = *y;
    }
  }
  if (year_number >= 70 && year_number <= 99) year_number += 1900;
  if (year_number >= 0 && year_number <= 69) year_number += 2000;
  if (!found_time || !found_day || !found_month || !found_year) return std::nullopt;
  if (day_of_month < 1 || day_of_month > 31 || year_number < 1601 || hour > 23 || minute > 59 ||
      second > 59) {
    return std::nullopt;
  }
  const year_month_day date{year(year_number), month(static_cast<unsigned>(month_number)),
                            day(static_cast<unsigned>(day_of_month))};
  if (!date.ok()) return std::nullopt;  // "30 Feb": the algorithm's last step fails it
  const auto when = sys_days(date) + hours(hour) + minutes(minute) + seconds(second);
  return when.time_since_epoch().count();
}

}  // namespace flowscope::store::har
