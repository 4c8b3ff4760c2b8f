#include "cli/options.hpp"

#include <charconv>

#include "core/http/target.hpp"

namespace flowscope::cli {

namespace {

Result<std::uint16_t> parse_port(std::string_view text, bool allow_zero) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value > 65535 ||
      (value == 0 && !allow_zero)) {
    return fail("'" + std::string(text) + "' is not a valid port");
  }
  return static_cast<std::uint16_t>(value);
}

// Splits "host:port" / "[v6]:port" at the last colon outside brackets.
Result<std::pair<std::string, std::string>> split_last_colon(std::string_view text) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return fail("'" + std::string(text) + "' needs HOST:PORT");
  std::string host(text.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return std::pair{host, std::string(text.substr(colon + 1))};
}

}  // namespace

Result<ListenAddress> parse_listen(const std::string& text) {
  auto parts = split_last_colon(text);
  if (!parts) return fail("--listen " + text + ": expected HOST:PORT such as 127.0.0.1:8080 or [::1]:0");
  auto port = parse_port(parts->second, true);
  if (!port) return fail("--listen " + text + ": " + port.error().message);
  return ListenAddress{parts->first, *port};
}

Result<proxy::ResolveOverride> parse_resolve(const std::string& text) {
  auto first = text.find(':');
  if (first == std::string::npos) return fail("--resolve " + text + ": expected HOST:PORT:ADDRESS");
  auto second = text.find(':', first + 1);
  if (second == std::string::npos) return fail("--resolve " + text + ": expected HOST:PORT:ADDRESS");
  proxy::ResolveOverride o;
  o.host = text.substr(0, first);
  auto port = parse_port(std::string_view(text).substr(first + 1, second - first - 1), false);
  if (!port) return fail("--resolve " + text + ": " + port.error().message);
  o.port = *port;
  o.address = text.substr(second + 1);
  if (o.address.size() >= 2 && o.address.front() == '[' && o.address.back() == ']')
    o.address = o.address.substr(1, o.address.size() - 2);
  if (o.host.empty() || o.address.empty()) return fail("--resolve " + text + ": expected HOST:PORT:ADDRESS");
  return o;
}

Result<proxy::UpstreamProxy> parse_upstream_proxy(const std::string& text) {
  const std::string prefix = "http://";
  if (text.rfind(prefix, 0) != 0) return fail("--upstream-proxy " + text + ": expected http://[user:pass@]host:port");
  std::string rest = text.substr(prefix.size());
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  proxy::UpstreamProxy p;
  auto at = rest.rfind('@');
  if (at != std::string::npos) {
    p.credentials = rest.substr(0, at);
    rest = rest.substr(at + 1);
  }
  auto target = http::parse_connect_target(rest);
  if (!target) return fail("--upstream-proxy " + text + ": " + target.error().message);
  p.host = target->host;
  p.port = target->port;
  return p;
}

Result<std::vector<std::uint16_t>> parse_port_list(const std::string& text) {
  std::vector<std::uint16_t> ports;
  std::string_view rest = text;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    auto port = parse_port(rest.substr(0, comma), false);
    if (!port) return fail("--connect-ports " + text + ": " + port.error().message);
    ports.push_back(*port);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return ports;
}

}  // namespace flowscope::cli
