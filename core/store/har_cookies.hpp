#pragma once
// Cookies as HAR lists them. HAR's cookie arrays are derived from the Cookie and
// Set-Cookie headers, which stay the record of what was on the wire; nothing is
// percent-decoded or unquoted, so a cookie reads as the server sent it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flowscope::store::har {

struct CookiePair {
  std::string name;
  std::string value;
  bool operator==(const CookiePair&) const = default;
};

// One Cookie header value, "a=1; b=2" (RFC 6265 §4.2.1). A piece without '=' is a
// name with an empty value, as browsers' cookie stores read it.
std::vector<CookiePair> parse_cookie_header(std::string_view value);

struct SetCookie {
  std::string name;
  std::string value;
  std::optional<std::string> path;
  std::optional<std::string> domain;
  // Expiry in Unix seconds: from Max-Age (relative to the response, and winning over
  // Expires as RFC 6265 §5.3 says) or from Expires. When Expires is present but not a
  // cookie-date, `expires_text` keeps it as written.
  std::optional<std::int64_t> expires_unix_s;
  std::optional<std::string> expires_text;
  bool http_only = false;
  bool secure = false;
  std::optional<std::string> same_site;
};

// One Set-Cookie header value (RFC 6265 §5.2). `received_unix_s` anchors Max-Age.
// A pair without '=' is a nameless cookie (RFC 6265bis), not an error.
SetCookie parse_set_cookie(std::string_view value, std::int64_t received_unix_s);

}  // namespace flowscope::store::har
