#pragma once
// proxy::TunnelRoute: the route of the requests inside an intercepted CONNECT
// tunnel. Every request goes to the tunnel's origin; origin-form targets are the
// norm and no proxy credentials are asked. The first flow carries the tunnel's DNS,
// connect and TLS times. When the origin's certificate failed, every request is
// answered 502 with the reason.
#include <string>

#include "core/flow/flow.hpp"
#include "core/proxy/config.hpp"
#include "core/proxy/route.hpp"

namespace flowscope::proxy {

struct TunnelOrigin {
  http::Authority target;
  std::string scheme;       // "https", or "http" for plain HTTP sent into the tunnel
  std::string origin_host;  // the name TLS verifies: the usable SNI, else the CONNECT host
  std::string server_address;
  flow::Tls tls;            // copied into each flow (https only)
  double dns_ms = -1;       // the tunnel's DNS, TCP connect and origin TLS
  double connect_ms = -1;   // handshake times, reported in its first flow
  double tls_ms = -1;
  std::string refusal;      // set when the origin's certificate failed: every request gets 502
};

class TunnelRoute : public Route {
 public:
  TunnelRoute(const Config& config, TunnelOrigin origin) : config_(config), origin_(std::move(origin)) {}

  Decision resolve(Exchange& ex) override;
  std::string refuse_changed_url(const http::AbsoluteUrl& url, const std::string& text) const override;
  // The origin connection is ours alone and already speaks to the origin itself,
  // so requests stay origin-form.
  bool via_upstream_proxy() const override { return false; }
  Destination destination(const http::AbsoluteUrl&) const override {
    return {origin_.target.host, origin_.target.port, false};
  }
  std::string describe_destination(const Exchange& ex) const override;
  bool keeps_upstream() const override { return true; }
  std::string refuse_new_connection() const override;
  void new_connection(const UpstreamInfo& info) override { origin_.server_address = info.server_address; }
  bool originates_tls() const override { return origin_.scheme == "https"; }
  std::string origin_host() const override { return origin_.origin_host; }

 private:
  const Config& config_;
  TunnelOrigin origin_;
};

}  // namespace flowscope::proxy
