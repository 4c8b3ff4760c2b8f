#pragma once
// Request-target forms (RFC 9112 §3.2): authority-form for CONNECT and
// absolute-form for requests sent to a proxy.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace flowscope::http {

struct Authority {
  std::string host;  // without brackets for IPv6 literals
  std::uint16_t port = 0;

  // host:port with brackets around IPv6 literals, as a Host header or CONNECT wants it.
  std::string to_string() const;
};

struct AbsoluteUrl {
  std::string scheme;  // lower case: "http" or "https"
  Authority authority;
  bool port_explicit = false;
  std::string path_and_query;  // origin-form, never empty ("/" at least)
};

// "host:port" or "[v6]:port". The port is required; userinfo is refused.
Result<Authority> parse_connect_target(std::string_view target);
// "http://host[:port]/path?query" (a fragment is dropped).
Result<AbsoluteUrl> parse_absolute_url(std::string_view target);
// A reg-name, IPv4 or IPv6 literal (without brackets) that is safe to resolve.
bool is_valid_host(std::string_view host);

}  // namespace flowscope::http
