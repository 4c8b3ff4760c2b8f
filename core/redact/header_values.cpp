#include "core/redact/header_values.hpp"

#include "core/http/message.hpp"

namespace flowscope::redact {

namespace {

constexpr std::string_view kReplacement = "REDACTED";

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool is_scheme_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// "Bearer abc" -> "Bearer REDACTED"; a value that is no "scheme credentials" -> REDACTED.
std::string authorization(std::string_view value) {
  value = trimmed(value);
  const std::size_t space = value.find(' ');
  if (space == std::string_view::npos || space == 0) return std::string(kReplacement);
  for (char c : value.substr(0, space)) {
    if (!is_scheme_char(c)) return std::string(kReplacement);
  }
  return std::string(value.substr(0, space + 1)) + std::string(kReplacement);
}

// "name=value" -> "name=REDACTED"; a piece without a name -> REDACTED.
std::string cookie_pair(std::string_view pair) {
  pair = trimmed(pair);
  const std::size_t equals = pair.find('=');
  if (equals == std::string_view::npos || equals == 0) return std::string(kReplacement);
  return std::string(trimmed(pair.substr(0, equals))) + "=" + std::string(kReplacement);
}

std::string cookie(std::string_view value) {
  std::string out;
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t end = value.find(';', start);
    if (end == std::string_view::npos) end = value.size();
    const std::string_view piece = value.substr(start, end - start);
    if (!trimmed(piece).empty()) {
      if (!out.empty()) out += "; ";
      out += cookie_pair(piece);
    }
    start = end + 1;
  }
  return out.empty() ? std::string(kReplacement) : out;
}

// The first pair is the cookie; the attributes after it (Path, Domain, Expires, flags)
// describe it and stay.
std::string set_cookie(std::string_view value) {
  const std::size_t semicolon = value.find(';');
  if (semicolon == std::string_view::npos) return cookie_pair(value);
  return cookie_pair(value.substr(0, semicolon)) + std::string(value.substr(semicolon));
}

}  // namespace

std::string redacted_header_value(std::string_view name, std::string_view value) {
  if (http::iequals(name, "Authorization") || http::iequals(name, "Proxy-Authorization")) return authorization(value);
  if (http::iequals(name, "Cookie")) return cookie(value);
  if (http::iequals(name, "Set-Cookie")) return set_cookie(value);
  return std::string(kReplacement);
}

}  // namespace flowscope::redact
