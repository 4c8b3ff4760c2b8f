#pragma once
// proxy::ProxyFront: the route of a client that talks to the proxy itself. It checks
// proxy authentication, takes absolute-form http:// requests (forwarded to the
// origin, or to --upstream-proxy) and CONNECT requests (handed to the tunnel
// layers), and refuses the rest with an answer that says what to do instead.
#include "core/proxy/config.hpp"
#include "core/proxy/route.hpp"

namespace flowscope::proxy {

class ProxyFront : public Route {
 public:
  // A replay comes from inside the engine, which holds no client credentials.
  ProxyFront(const Config& config, bool check_credentials) : config_(config), check_credentials_(check_credentials) {}

  Decision resolve(Exchange& ex) override;
  std::string refuse_changed_url(const http::AbsoluteUrl& url, const std::string& text) const override;
  bool via_upstream_proxy() const override { return config_.upstream_proxy.has_value(); }
  Destination destination(const http::AbsoluteUrl& url) const override;
  std::string describe_destination(const Exchange& ex) const override;
  bool keeps_upstream() const override { return false; }
  bool originates_tls() const override { return false; }
  std::string origin_host() const override { return {}; }

 private:
  const Config& config_;
  bool check_credentials_;
};

}  // namespace flowscope::proxy
