#include "url.hpp"

#include <charconv>

namespace flowscope::loadgen {

namespace {

std::expected<uint16_t, std::string> parse_port(std::string_view text) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value == 0 || value > 65535) {
    return std::unexpected("bad port \"" + std::string(text) + "\"");
  }
  return static_cast<uint16_t>(value);
}

}  // namespace

std::expected<std::pair<std::string, uint16_t>, std::string> split_host_port(
    std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (text.starts_with('[')) {
    auto close = text.find(']');
    if (close == std::string_view::npos)
      return std::unexpected("unclosed '[' in " + std::string(text));
    host = text.substr(1, close - 1);
    if (close + 1 >= text.size() || text[close + 1] != ':') {
      return std::unexpected("missing port in " + std::string(text));
    }
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos)
      return std::unexpected("missing port in " + std::string(text));
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (host.empty()) return std::unexpected("missing host in " + std::string(text));
  auto p = parse_port(port);
  if (!p) return std::unexpected(p.error());
  return std::pair{std::string(host), *p};
}

std::expected<Url, std::string> parse_url(std::string_view text) {
  Url url;
  std::string_view rest;
  if (text.starts_with("http://")) {
    rest = text.substr(7);
  } else if (text.starts_with("https://")) {
    url.tls = true;
    rest = text.substr(8);
  } else {
    return std::unexpected("URL must start with http:// or https://: " + std::string(text));
  }
  auto slash = rest.find_first_of("/?");
  std::string_view hostport = rest.substr(0, slash);
  url.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (url.path.front() == '?') url.path.insert(0, "/");
  if (auto hash = url.path.find('#'); hash != std::string::npos) url.path.resize(hash);
  if (hostport.find('@') != std::string_view::npos) {
    return std::unexpected("credentials in URLs are not supported: " + std::string(text));
  }
  uint16_t default_port = url.tls ? 443 : 80;
  bool bracketed = hostport.starts_with('[');
  auto colon = hostport.rfind(':');
  bool has_port = colon != std::string_view::npos && (!bracketed || colon > hostport.find(']'));
  if (has_port) {
    auto split = split_host_port(hostport);
    if (!split) return std::unexpected(split.error() + " in URL " + std::string(text));
    url.host = split->first;
    url.port = split->second;
  } else {
    url.host =
        bracketed ? std::string(hostport.substr(1, hostport.size() - 2)) : std::string(hostport);
    url.port = default_port;
  }
  if (url.host.empty()) return std::unexpected("missing host in URL " + std::string(text));
  return url;
}

std::string authority(std::string_view host, uint16_t port) {
  std::string out;
  bool v6 = host.find(':') != std::string_view::npos;
  if (v6) out += '[';
  out += host;
  if (v6) out += ']';
  out += ':';
  out += std::to_string(port);
  return out;
}

std::string host_header(std::string_view host, uint16_t port, bool tls) {
  if (port != (tls ? 443 : 80)) return authority(host, port);
  std::string out = authority(host, port);
  out.resize(out.rfind(':'));  // the port's colon is the last one, after any IPv6 bracket
  return out;
}

}  // namespace flowscope::loadgen
