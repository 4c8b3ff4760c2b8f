#include "core/http/target.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace flowscope::http {

namespace {

Result<std::uint16_t> parse_port(std::string_view text) {
  if (text.empty()) return fail("missing port");
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535)
    return fail("invalid port '" + std::string(text) + "'");
  return static_cast<std::uint16_t>(value);
}

bool is_ipv6_literal(std::string_view host) {
  std::string copy(host);
  in6_addr addr;
  return inet_pton(AF_INET6, copy.c_str(), &addr) == 1;
}

// Splits "host[:port]" or "[v6][:port]"; the port part is empty when absent.
Result<std::pair<std::string_view, std::string_view>> split_host_port(std::string_view text) {
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) return fail("unterminated IPv6 literal");
    std::string_view host = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return fail("junk after IPv6 literal");
    if (!is_ipv6_literal(host)) return fail("invalid IPv6 literal");
    return std::pair{host, rest.empty() ? rest : rest.substr(1)};
  }
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::pair{text, std::string_view{}};
  if (text.find(':') != colon) return fail("IPv6 literals need brackets");
  if (colon == text.size() - 1) return fail("missing port");
  return std::pair{text.substr(0, colon), text.substr(colon + 1)};
}

}  // namespace

std::string Authority::to_string() const {
  std::string out;
  const bool v6 = host.find(':') != std::string::npos;
  if (v6) out.push_back('[');
  out.append(host);
  if (v6) out.push_back(']');
  out.push_back(':');
  out.append(std::to_string(port));
  return out;
}

bool is_valid_host(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  if (host.find(':') != std::string_view::npos) return is_ipv6_literal(host);
  // reg-name restricted to what DNS can carry: letters, digits, '-', '.', '_'.
  return std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_';
  });
}

Result<Authority> parse_connect_target(std::string_view target) {
  if (target.find('@') != std::string_view::npos) return fail("userinfo is not allowed in a CONNECT target");
  if (target.find('/') != std::string_view::npos) return fail("CONNECT target must be host:port");
  auto parts = split_host_port(target);
  if (!parts) return std::unexpected(parts.error());
  auto [host, port_text] = *parts;
  if (port_text.empty()) return fail("CONNECT target '" + std::string(target) + "' has no port");
  if (!is_valid_host(host)) return fail("invalid host '" + std::string(host) + "'");
  auto port = parse_port(port_text);
  if (!port) return std::unexpected(port.error());
  return Authority{std::string(host), *port};
}

Result<AbsoluteUrl> parse_absolute_url(std::string_view target) {
  AbsoluteUrl url;
  auto sep = target.find("://");
  if (sep == std::string_view::npos) return fail("not an absolute URL");
  url.scheme = std::string(target.substr(0, sep));
  std::transform(url.scheme.begin(), url.scheme.end(), url.scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (url.scheme != "http" && url.scheme != "https") return fail("unsupported scheme '" + url.scheme + "'");
  std::string_view rest = target.substr(sep + 3);
  auto path_start = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, path_start);
  std::string_view path = path_start == std::string_view::npos ? std::string_view{} : rest.substr(path_start);
  if (authority.find('@') != std::string_view::npos) return fail("userinfo is not allowed in a proxy request URL");
  auto parts = split_host_port(authority);
  if (!parts) return std::unexpected(parts.error());
  auto [host, port_text] = *parts;
  if (!is_valid_host(host)) return fail("invalid host '" + std::string(host) + "'");
  url.authority.host = std::string(host);
  if (port_text.empty()) {
    url.authority.port = url.scheme == "https" ? 443 : 80;
  } else {
    auto port = parse_port(port_text);
    if (!port) return std::unexpected(port.error());
    url.authority.port = *port;
    url.port_explicit = true;
  }
  auto fragment = path.find('#');
  if (fragment != std::string_view::npos) path = path.substr(0, fragment);
  if (path.empty() || path.front() == '?') url.path_and_query.push_back('/');
  url.path_and_query.append(path);
  return url;
}

}  // namespace flowscope::http
