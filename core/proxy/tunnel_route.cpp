#include "core/proxy/tunnel_route.hpp"

#include <utility>

namespace flowscope::proxy {

Route::Decision TunnelRoute::resolve(Exchange& ex) {
  flow::Flow& flow = ex.flow();
  flow.scheme = origin_.scheme;
  flow.server_address = origin_.server_address;
  if (origin_.scheme == "https") flow.tls = origin_.tls;
  flow.timings.dns = std::exchange(origin_.dns_ms, -1);
  flow.timings.connect = std::exchange(origin_.connect_ms, -1);
  flow.timings.tls = std::exchange(origin_.tls_ms, -1);
  std::string absolute = ex.request.target;
  if (!absolute.empty() && absolute.front() == '/') {
    // The URL a user would type: the scheme's default port is left out.
    std::string authority = origin_.target.to_string();
    const std::uint16_t default_port = origin_.scheme == "https" ? 443 : 80;
    if (origin_.target.port == default_port) authority.resize(authority.rfind(':'));
    absolute = origin_.scheme + "://" + authority + absolute;
  }
  flow.request.url = absolute;
  auto url = http::parse_absolute_url(absolute);
  if (!url) return Refuse{400, "bad request target: " + url.error().message, {}};
  if (!origin_.refusal.empty()) return Refuse{502, origin_.refusal, {}};
  return Forward{std::move(*url)};
}

std::string TunnelRoute::refuse_changed_url(const http::AbsoluteUrl& url, const std::string& text) const {
  if (url.scheme == origin_.scheme && url.authority.host == origin_.target.host &&
      url.authority.port == origin_.target.port) {
    return {};
  }
  return "a hook sent a request of an intercepted tunnel to another origin (" + text + "); that is not supported yet";
}

std::string TunnelRoute::describe_destination(const Exchange& ex) const {
  return ex.url ? ex.url->authority.to_string() : origin_.target.to_string();
}

std::string TunnelRoute::refuse_new_connection() const {
  if (!config_.upstream_proxy) return {};
  return "the origin closed the connection; reconnecting through --upstream-proxy inside an intercepted tunnel is "
         "not supported yet";
}

}  // namespace flowscope::proxy
