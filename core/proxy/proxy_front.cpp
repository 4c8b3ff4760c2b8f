#include "core/proxy/proxy_front.hpp"

#include <algorithm>

#include "core/http/basic_auth.hpp"

namespace flowscope::proxy {

namespace {

const char* const kNotAProxyRequest =
    "flowscope is a proxy: this request was sent to it as if it were the origin server.\n"
    "Point the client at the proxy instead, e.g. curl -x http://HOST:PORT URL,\n"
    "or HTTP_PROXY=http://HOST:PORT HTTPS_PROXY=http://HOST:PORT for most tools.\n";

}  // namespace

Route::Decision ProxyFront::resolve(Exchange& ex) {
  const http::RequestHead& request = ex.request;
  if (check_credentials_ && config_.proxy_auth) {
    const std::string* value = request.headers.find("Proxy-Authorization");
    auto credentials = value ? http::decode_basic_credentials(*value) : std::nullopt;
    if (!credentials || *credentials != *config_.proxy_auth) {
      Refuse refuse{407, value ? "proxy credentials are wrong" : "proxy credentials are required (--proxy-auth is set)",
                    {}};
      refuse.extra.add("Proxy-Authenticate", "Basic realm=\"flowscope\"");
      return refuse;
    }
  }

  if (request.method == "CONNECT") {
    auto target = http::parse_connect_target(request.target);
    if (!target) return Refuse{400, "bad CONNECT target: " + target.error().message, {}};
    const auto& ports = config_.connect_ports;
    if (!ports.empty() && std::find(ports.begin(), ports.end(), target->port) == ports.end()) {
      return Refuse{403, "CONNECT to port " + std::to_string(target->port) + " is not allowed (--connect-ports)", {}};
    }
    return Connect{*target};
  }

  if (!request.target.empty() && request.target.front() == '/') return Refuse{400, kNotAProxyRequest, {}};
  auto url = http::parse_absolute_url(request.target);
  if (!url) return Refuse{400, "bad request target: " + url.error().message, {}};
  if (url->scheme != "http") {
    return Refuse{400,
                  "https:// URLs go through CONNECT; this proxy does not originate TLS for absolute-form requests",
                  {}};
  }
  ex.flow().scheme = "http";
  return Forward{std::move(*url)};
}

std::string ProxyFront::refuse_changed_url(const http::AbsoluteUrl& url, const std::string& text) const {
  if (url.scheme == "http") return {};
  return "a hook changed the URL to " + text + ": absolute-form requests go to http:// origins only";
}

Route::Destination ProxyFront::destination(const http::AbsoluteUrl& url) const {
  if (config_.upstream_proxy) return {config_.upstream_proxy->host, config_.upstream_proxy->port, true};
  return {url.authority.host, url.authority.port, true};
}

std::string ProxyFront::describe_destination(const Exchange& ex) const {
  if (config_.upstream_proxy) {
    return "upstream proxy " + config_.upstream_proxy->host + ":" + std::to_string(config_.upstream_proxy->port);
  }
  return ex.url ? ex.url->authority.to_string() : std::string();
}

}  // namespace flowscope::proxy
