#include "core/store/har_cookies.hpp"

#include <charconv>

#include "core/http/message.hpp"
#include "core/store/har_time.hpp"

namespace flowscope::store::har {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Splits "name=value" at the first '='; `had_equals` tells a bare token apart.
std::pair<std::string_view, std::string_view> split_pair(std::string_view piece, bool& had_equals) {
  const std::size_t eq = piece.find('=');
  had_equals = eq != std::string_view::npos;
  if (!had_equals) return {trim(piece), {}};
  return {trim(piece.substr(0, eq)), trim(piece.substr(eq + 1))};
}

// RFC 6265 §5.2.2: an optional '-', then digits only.
std::optional<std::int64_t> parse_max_age(std::string_view text) {
  if (text.empty()) return std::nullopt;
  const bool negative = text.front() == '-';
  const std::string_view digits = negative ? text.substr(1) : text;
  if (digits.empty()) return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (end != digits.data() + digits.size()) return std::nullopt;
  // Lifetimes beyond 400 years are capped there, so adding one to a date cannot overflow.
  constexpr std::int64_t kCap = std::int64_t{400} * 365 * 86'400;
  if (ec == std::errc::result_out_of_range || value > kCap) value = kCap;
  return negative ? -value : value;
}

}  // namespace

std::vector<CookiePair> parse_cookie_header(std::string_view value) {
  std::vector<CookiePair> cookies;
  std::size_t at = 0;
  while (at <= value.size()) {
    std::size_t end = value.find(';', at);
    if (end == std::string_view::npos) end = value.size();
    const std::string_view piece = trim(value.substr(at, end - at));
    at = end + 1;
    if (piece.empty()) continue;
    bool had_equals = false;
    auto [name, cookie_value] = split_pair(piece, had_equals);
    cookies.push_back({std::string(name), std::string(cookie_value)});
  }
  return cookies;
}

SetCookie parse_set_cookie(std::string_view value, std::int64_t received_unix_s) {
  SetCookie cookie;
  std::size_t semicolon = value.find(';');
  bool had_equals = false;
  auto [name, cookie_value] = split_pair(value.substr(0, semicolon), had_equals);
  if (had_equals) {
    cookie.name = name;
    cookie.value = cookie_value;
  } else {
    cookie.value = name;
  }

  std::optional<std::int64_t> max_age;
  std::optional<std::int64_t> expires;
  while (semicolon != std::string_view::npos) {
    const std::size_t start = semicolon + 1;
    semicolon = value.find(';', start);
    auto [attribute, attribute_value] =
        split_pair(value.substr(start, semicolon - start), had_equals);
    // Later attributes of the same name win (RFC 6265 §5.3 step 11 reads the last).
    if (http::iequals(attribute, "expires")) {
      expires = parse_cookie_date(attribute_value);
      if (expires) {
        cookie.expires_text.reset();
      } else {
        cookie.expires_text = std::string(attribute_value);
      }
    } else if (http::iequals(attribute, "max-age")) {
      if (auto seconds = parse_max_age(attribute_value)) max_age = seconds;
    } else if (http::iequals(attribute, "domain")) {
      cookie.domain = std::string(attribute_value);
    } else if (http::iequals(attribute, "path")) {
      cookie.path = std::string(attribute_value);
    } else if (http::iequals(attribute, "secure")) {
      cookie.secure = true;
    } else if (http::iequals(attribute, "httponly")) {
      cookie.http_only = true;
    } else if (http::iequals(attribute, "samesite")) {
      cookie.same_site = std::string(attribute_value);
    }
  }
  if (max_age) {
    // §5.2.2: zero or negative means "expired", i.e. the earliest representable time.
    cookie.expires_unix_s = *max_age <= 0 ? 0 : received_unix_s + *max_age;
    cookie.expires_text.reset();
  } else {
    cookie.expires_unix_s = expires;
  }
  return cookie;
}

}  // namespace flowscope::store::har
