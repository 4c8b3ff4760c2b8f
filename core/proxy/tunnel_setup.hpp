#pragma once
// proxy::TunnelSetup: a CONNECT request, from the request to what the tunnel turns
// out to carry. It opens the connection (directly or through --upstream-proxy's own
// CONNECT), answers "200 Connection Established", then detects the next layer from
// the client's first bytes:
//   * a TLS ClientHello (and the host is to be intercepted): handshake with the
//     origin first, so that the minted leaf can copy the origin's names, then with
//     the client; both TLS endpoints join the Pipes, and an Http1Layer with a
//     TunnelRoute takes the plaintext;
//   * HTTP/1 bytes: an Http1Layer with a TunnelRoute, in plaintext;
//   * anything else, a host that is not intercepted, or an origin that speaks first:
//     a blind Relay.
// With Config::defer_tunnel_connect (server replay) it answers 200 before connecting
// and intercepts TLS with a leaf for the server name alone; the origin connection is
// opened only for a blind relay, or later by the Http1Layer for a forwarded request.
// An intercepted CONNECT is not a flow (its requests are); a blind one is.
#include <openssl/x509.h>

#include <string>
#include <string_view>

#include "core/proxy/connection_context.hpp"
#include "core/proxy/exchange.hpp"
#include "core/proxy/layer.hpp"
#include "core/proxy/tunnel_route.hpp"

namespace flowscope::proxy {

class TunnelSetup : public Layer {
 public:
  // `exchange` is the CONNECT (its connect_target set); `early` is what the client
  // sent after it.
  TunnelSetup(ConnectionContext& ctx, Exchange exchange, std::string early);

  void start() override;
  void client_data(std::string_view plaintext) override;
  void client_tls_failed(bool tls_to_proxy, const std::string& error) override;
  void client_eof() override;
  void client_error(std::string_view message) override;
  void upstream_connected(const UpstreamInfo& info) override;
  void upstream_failed(const UpstreamFailure& failure) override;
  void upstream_data(std::string_view plaintext) override;
  void upstream_tls_failed(const std::string& error) override;
  void upstream_eof() override;
  void upstream_error(std::string_view message) override;
  void timer(TimerKind) override {}
  void shutdown() override { ctx_.draining = true; }
  void abort(std::string_view reason) override { fail(std::string(reason)); }
  bool wants_client_reads() const override;

 private:
  enum class State {
    kConnecting,      // waiting for the upstream (or next proxy) connection
    kProxyHandshake,  // CONNECT via --upstream-proxy: waiting for its answer
    kSniffing,        // after the 200: is the client speaking TLS, HTTP or else?
    kOriginTls,       // ClientHello held while we handshake with the origin
    kClientTls,       // handshaking with the client, with a minted certificate
    kHandedOver,
  };

  void established();
  void sniff();
  bool defers_connect() const;
  void start_origin_tls();
  void origin_tls_done();
  void start_client_tls(TunnelOrigin origin, X509* origin_cert);
  void client_tls_progress();
  void client_handshake_failed(const std::string& error);
  TunnelOrigin origin_basics(const char* scheme) const;
  void hand_over_to_http(TunnelOrigin origin, std::string plaintext);
  void hand_over_to_relay(std::string from_upstream);
  void answer_error(int status, std::string_view message);
  void fail(std::string error);
  const std::string& host() const { return exchange_->connect_target->host; }

  ConnectionContext& ctx_;
  std::optional<Exchange> exchange_;
  std::string client_buf_;  // the client's bytes, held until the next layer is known
  State state_ = State::kConnecting;
  std::unique_ptr<http::Parser> proxy_answer_;  // --upstream-proxy's answer to our CONNECT
  std::string sni_;          // as the client sent it
  std::string server_name_;  // the SNI when it is a usable name, else the CONNECT host
  std::int64_t origin_tls_started_us_ = 0;
  std::optional<TunnelOrigin> origin_;  // known once the origin's handshake ended
  bool deferred_ = false;  // 200 sent before connecting (Config::defer_tunnel_connect)
};

}  // namespace flowscope::proxy
