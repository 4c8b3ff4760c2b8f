#pragma once
// proxy::Route: where the requests an HTTP layer reads go. The HTTP code is the same
// for a client that talks to the proxy (ProxyFront: absolute-form requests, CONNECT,
// proxy authentication, --upstream-proxy) and for the requests inside an
// intercepted tunnel (TunnelRoute: every request goes to the tunnel's origin, over
// the origin TLS made for it). The route is the only part that differs.
#include <cstdint>
#include <string>
#include <variant>

#include "core/http/message.hpp"
#include "core/http/target.hpp"
#include "core/proxy/events.hpp"
#include "core/proxy/exchange.hpp"

namespace flowscope::proxy {

class Route {
 public:
  struct Forward {
    http::AbsoluteUrl url;
  };
  struct Connect {
    http::Authority target;
  };
  // Answer the request with an error instead.
  struct Refuse {
    int status = 400;
    std::string message;
    http::Headers extra;
  };
  using Decision = std::variant<Forward, Connect, Refuse>;

  struct Destination {
    std::string host;
    std::uint16_t port = 0;
    bool pooled = false;
  };

  virtual ~Route() = default;

  // The request head is in `ex`: fills in what the route knows (scheme, the
  // absolute URL, the tunnel's addresses and TLS) and says where it goes.
  virtual Decision resolve(Exchange& ex) = 0;
  // A hook changed the URL to `url`: an error message when this route cannot send
  // it there, else empty.
  virtual std::string refuse_changed_url(const http::AbsoluteUrl& url, const std::string& text) const = 0;
  // Requests go to --upstream-proxy in absolute form, with its credentials.
  virtual bool via_upstream_proxy() const = 0;
  // The connection a request for `url` needs.
  virtual Destination destination(const http::AbsoluteUrl& url) const = 0;
  // "cannot connect to …": the thing that could not be reached.
  virtual std::string describe_destination(const Exchange& ex) const = 0;
  // The upstream connection stays with this client connection between requests
  // (a tunnel's origin connection) instead of going back to the shared pool.
  virtual bool keeps_upstream() const = 0;
  // A new upstream connection opened: an error to answer 502 with, else empty.
  virtual std::string refuse_new_connection() const { return {}; }
  virtual void new_connection(const UpstreamInfo&) {}
  // A new upstream connection carries TLS to the origin, for origin_host().
  virtual bool originates_tls() const = 0;
  virtual std::string origin_host() const = 0;
};

}  // namespace flowscope::proxy
