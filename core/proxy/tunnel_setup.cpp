#include "core/proxy/tunnel_setup.hpp"

#include <utility>

#include "core/proxy/error_answer.hpp"
#include "core/proxy/http1_layer.hpp"
#include "core/proxy/origin_tls.hpp"
#include "core/proxy/relay.hpp"
#include "core/http/rewrite.hpp"
#include "core/tls/client_hello.hpp"
#include "core/tls/server_name.hpp"

namespace flowscope::proxy {

namespace {
constexpr std::size_t kMaxSniffBytes = 64 * 1024;
constexpr std::string_view kEstablished = "HTTP/1.1 200 Connection Established\r\n\r\n";
}  // namespace

TunnelSetup::TunnelSetup(ConnectionContext& ctx, Exchange exchange, std::string early)
    : ctx_(ctx), client_buf_(std::move(early)) {
  exchange_.emplace(std::move(exchange));
}

bool TunnelSetup::wants_client_reads() const {
  return client_buf_.size() < Http1Layer::kHighWater && ctx_.upstream.pending.size() < Http1Layer::kHighWater;
}

void TunnelSetup::start() {
  const http::Authority& target = *exchange_->connect_target;
  exchange_->flow().scheme = "tunnel";
  exchange_->flow().tunnel = flow::Tunnel{target.host, target.port, 0, 0, 0, {}};
  if (defers_connect()) {
    // Server replay: answer at once and learn what the client speaks; the origin is
    // reached only if something has to go there (a forwarded request, a blind relay).
    deferred_ = true;
    ctx_.send_client(std::string(kEstablished));
    state_ = State::kSniffing;
    sniff();
    return;
  }
  if (ctx_.config.upstream_proxy) {
    ctx_.open_upstream(ctx_.config.upstream_proxy->host, ctx_.config.upstream_proxy->port, false);
  } else {
    ctx_.open_upstream(target.host, target.port, false);
  }
}

bool TunnelSetup::defers_connect() const {
  return ctx_.config.defer_tunnel_connect && !ctx_.config.upstream_proxy && !ctx_.replay_https &&
         ctx_.interception != nullptr &&
         ctx_.policy.decide({ctx_.client_ip, host(), std::string()}) == TunnelMode::kIntercept;
}

void TunnelSetup::answer_error(int status, std::string_view message) {
  if (deferred_) {
    // The client has its 200 already: an HTTP answer would land inside the tunnel.
    fail(std::string(message));
    return;
  }
  proxy::answer_error(ctx_, exchange_, status, message);
}

void TunnelSetup::fail(std::string error) {
  exchange_->stream.finish(std::move(error));
  ctx_.release_upstream(false);
  ctx_.close_all();
}

// ------------------------------------------------------------------ connecting

void TunnelSetup::upstream_connected(const UpstreamInfo& info) {
  Exchange& ex = *exchange_;
  ctx_.upstream.connected = true;
  ex.stream.connected();
  ex.upstream_reused = info.reused;
  ex.flow().server_address = info.server_address;
  ex.flow().timings.dns = info.dns_ms;
  ex.flow().timings.connect = info.connect_ms;
  if (deferred_) {
    hand_over_to_relay({});  // the only reason a deferred tunnel connects here
    return;
  }
  if (ctx_.config.upstream_proxy) {
    proxy_answer_ = std::make_unique<http::Parser>(http::MessageKind::kResponse);
    proxy_answer_->expect_response_to_connect();
    state_ = State::kProxyHandshake;
    ctx_.send_upstream(http::make_connect_request(*ex.connect_target, ctx_.config.upstream_proxy->credentials));
    return;
  }
  established();
}

void TunnelSetup::upstream_failed(const UpstreamFailure& failure) {
  ctx_.upstream_dropped();  // the driver has closed the connection that failed
  const std::string where = ctx_.config.upstream_proxy ? "upstream proxy " + ctx_.config.upstream_proxy->host + ":" +
                                                             std::to_string(ctx_.config.upstream_proxy->port)
                                                       : exchange_->connect_target->to_string();
  const int status = failure.kind == UpstreamFailureKind::kTimeout ? 504 : 502;
  answer_error(status, "cannot connect to " + where + ": " + failure.message);
}

void TunnelSetup::upstream_data(std::string_view data) {
  switch (state_) {
    case State::kProxyHandshake: {
      http::ParseOutput out = proxy_answer_->feed(data);
      if (out.status == http::ParseStatus::kUpgrade) {
        proxy_answer_.reset();
        if (out.consumed < data.size()) {
          // The origin spoke first: a server-first protocol, relayed blind.
          ctx_.send_client(std::string(kEstablished));
          hand_over_to_relay(std::string(data.substr(out.consumed)));
        } else {
          established();
        }
      } else if (out.status != http::ParseStatus::kNeedMore) {
        auto head = proxy_answer_->take_response_head();
        std::string why = out.status == http::ParseStatus::kError ? proxy_answer_->error().message
                                                                  : std::to_string(head.status) + " " + head.reason;
        ctx_.release_upstream(false);
        answer_error(502, "upstream proxy refused CONNECT: " + why);
      }
      return;
    }
    case State::kSniffing:
      // The origin speaks before the client (SSH, SMTP, …): not for us to parse.
      if (!data.empty()) hand_over_to_relay(std::string(data));
      return;
    case State::kOriginTls:
      if (ctx_.upstream.pipe.top()->state() != tls::EndpointState::kHandshaking) origin_tls_done();
      return;
    default:
      // Bytes nobody asked for.
      if (!data.empty()) ctx_.release_upstream(false);
      return;
  }
}

void TunnelSetup::upstream_tls_failed(const std::string&) {
  // The origin's handshake failed: recorded in its TLS, and every request of the
  // tunnel is answered 502 with the reason once the client's handshake is done.
  if (state_ == State::kOriginTls) {
    origin_tls_done();
    return;
  }
  // Failed after its handshake (a TLS 1.3 origin that refuses our client certificate
  // says so only then): the first request reconnects, and gets the origin's answer.
  ctx_.release_upstream(false);
}

void TunnelSetup::upstream_eof() {
  ctx_.upstream.eof = true;
  switch (state_) {
    case State::kConnecting:
    case State::kProxyHandshake:
      ctx_.release_upstream(false);
      answer_error(502, "upstream proxy closed the connection during CONNECT");
      return;
    case State::kSniffing:
      hand_over_to_relay({});
      return;
    case State::kOriginTls:
      if (ctx_.upstream.pipe.top()->state() != tls::EndpointState::kHandshaking) origin_tls_done();
      return;
    default:
      return;
  }
}

void TunnelSetup::upstream_error(std::string_view message) {
  ctx_.upstream.eof = true;
  if (state_ == State::kConnecting || state_ == State::kProxyHandshake || state_ == State::kOriginTls) {
    ctx_.release_upstream(false);
    answer_error(502, "upstream connection error: " + std::string(message));
  }
}

// ------------------------------------------------------------ the next layer

void TunnelSetup::established() {
  ctx_.send_client(std::string(kEstablished));
  if (ctx_.replay_https) {
    if (ctx_.interception == nullptr) {
      answer_error(502, "replaying an https request needs the origin-facing TLS of interception: "
                        "start flowscope without --no-intercept");
      return;
    }
    // The replayed request follows as plaintext, whatever its method: no sniffing.
    sni_ = server_name_ = host();
    start_origin_tls();
    return;
  }
  if (ctx_.interception != nullptr &&
      ctx_.policy.decide({ctx_.client_ip, host(), std::string()}) == TunnelMode::kIntercept) {
    state_ = State::kSniffing;
    sniff();
    return;
  }
  hand_over_to_relay({});
}

void TunnelSetup::client_data(std::string_view plaintext) {
  switch (state_) {
    case State::kSniffing:
      client_buf_.append(plaintext);
      sniff();
      return;
    case State::kClientTls:
      // The pipe has fed it to our TLS endpoint: plaintext is early data.
      client_buf_.append(plaintext);
      client_tls_progress();
      return;
    case State::kHandedOver:
      return;
    default:
      client_buf_.append(plaintext);  // handed on once the next layer is known
      return;
  }
}

void TunnelSetup::sniff() {
  const tls::SniffResult sniffed = tls::sniff(client_buf_);
  switch (sniffed.kind) {
    case tls::Sniffed::kNeedMore:
      if (client_buf_.size() > kMaxSniffBytes) hand_over_to_relay({});
      return;
    case tls::Sniffed::kOther:
      hand_over_to_relay({});
      return;
    case tls::Sniffed::kHttp:
      // Plain HTTP sent into the tunnel: parse it like any other request.
      ctx_.upstream.kept = ctx_.upstream.open;
      hand_over_to_http(origin_basics("http"), std::exchange(client_buf_, {}));
      return;
    case tls::Sniffed::kTls:
      sni_ = sniffed.hello.sni;
      // An SNI that names nothing (Go sends "host:port") is recorded as sent; the
      // CONNECT host names the origin and the leaf instead.
      server_name_ = tls::is_usable_server_name(sni_) ? sni_ : host();
      if (ctx_.policy.decide({ctx_.client_ip, host(), server_name_}) == TunnelMode::kBlind) {
        hand_over_to_relay({});
        return;
      }
      if (deferred_) {
        // No origin to copy names from: the leaf carries the server name alone.
        TunnelOrigin origin = origin_basics("https");
        origin.tls.sni = sni_;
        start_client_tls(std::move(origin), nullptr);
        return;
      }
      start_origin_tls();
      return;
  }
}

TunnelOrigin TunnelSetup::origin_basics(const char* scheme) const {
  TunnelOrigin origin;
  origin.target = *exchange_->connect_target;
  origin.scheme = scheme;
  origin.origin_host = server_name_.empty() ? origin.target.host : server_name_;
  origin.server_address = exchange_->flow().server_address;
  origin.dns_ms = exchange_->flow().timings.dns;
  origin.connect_ms = exchange_->flow().timings.connect;
  return origin;
}

void TunnelSetup::start_origin_tls() {
  auto endpoint = tls::Endpoint::client(ctx_.interception->origin_facing, server_name_, !ctx_.interception->insecure);
  if (!endpoint) {
    fail(endpoint.error().message);
    return;
  }
  state_ = State::kOriginTls;
  origin_tls_started_us_ = ctx_.now();
  ctx_.upstream.pipe.push_tls(std::move(*endpoint), true);
}

void TunnelSetup::origin_tls_done() {
  const tls::Endpoint& endpoint = *ctx_.upstream.pipe.top();
  TunnelOrigin origin = origin_basics("https");
  origin.tls_ms = elapsed_ms(origin_tls_started_us_, ctx_.now());
  X509* origin_cert = nullptr;
  if (endpoint.state() == tls::EndpointState::kEstablished) {
    origin.tls = describe_origin_tls(endpoint, sni_, ctx_.interception->insecure);
    origin_cert = SSL_get0_peer_certificate(endpoint.ssl());
    if (!ctx_.interception->insecure && origin.tls.upstream_verify != "ok") {
      // DESIGN.md: finish the client's handshake anyway, then answer 502 with the reason.
      origin.refusal = verification_refusal(origin.origin_host, origin.tls.upstream_verify);
    }
  } else {
    origin.tls.sni = sni_;
    origin.tls.upstream_verify = "handshake failed: " + endpoint.error();
    origin.refusal = "TLS handshake with " + origin.origin_host + " failed: " + endpoint.error();
  }

  if (ctx_.replay_https) {
    // No client TLS to terminate: the replayed request is already plaintext.
    ctx_.upstream.kept = ctx_.upstream.open;
    hand_over_to_http(std::move(origin), std::exchange(client_buf_, {}));
    return;
  }
  start_client_tls(std::move(origin), origin_cert);
}

// `origin_cert` (may be null) belongs to the origin's endpoint: used before a refusal
// lets that connection go.
void TunnelSetup::start_client_tls(TunnelOrigin origin, X509* origin_cert) {
  auto leaf = ctx_.interception->certificates->leaf_for(origin.origin_host, origin_cert);
  if (!origin.refusal.empty()) ctx_.release_upstream(false);
  if (!leaf) {
    fail("cannot mint a certificate for " + origin.origin_host + ": " + leaf.error().message);
    return;
  }
  ctx_.leaf_owner = leaf->owner;
  auto server = tls::Endpoint::server(ctx_.interception->client_facing, leaf->cert, leaf->key);
  if (!server) {
    fail(server.error().message);
    return;
  }
  origin_ = std::move(origin);
  state_ = State::kClientTls;
  ctx_.client.push_tls(std::move(*server));
  // The held ClientHello (and whatever followed) has passed the layers below already.
  std::string early = ctx_.client.receive_from(ctx_.client.depth() - 1, std::exchange(client_buf_, {}));
  client_buf_ = std::move(early);
  if (ctx_.client.failed()) {
    client_handshake_failed(ctx_.client.error());
    return;
  }
  client_tls_progress();
}

void TunnelSetup::client_tls_progress() {
  if (state_ != State::kClientTls) return;
  const tls::Endpoint& endpoint = *ctx_.client.top();
  if (endpoint.state() != tls::EndpointState::kEstablished) return;  // failures come through client_tls_failed
  const tls::SessionInfo info = endpoint.info();
  origin_->tls.sni = sni_;
  origin_->tls.client = flow::TlsSide{info.version, info.cipher, info.alpn};
  ctx_.upstream.kept = ctx_.upstream.open;
  ctx_.emit(StartTimer{TimerKind::kIdle, ctx_.config.idle_timeout_ms});
  hand_over_to_http(std::move(*origin_), std::exchange(client_buf_, {}));
}

void TunnelSetup::client_tls_failed(bool tls_to_proxy, const std::string& error) {
  if (!tls_to_proxy && state_ == State::kClientTls) {
    client_handshake_failed(error);
    return;
  }
  fail(error);
}

// The handshake with the client failed. Only an explicit certificate alert
// (unknown_ca, bad_certificate, …) is a refusal of our certificate; a client that
// closes mid-handshake (Go's HTTP client does at exit) has refused nothing.
void TunnelSetup::client_handshake_failed(const std::string& tls_error) {
  const tls::Endpoint& endpoint = *ctx_.client.top();
  std::string error;
  if (endpoint.peer_refused_certificate()) {
    error = "the client refused flowscope's certificate for " + host() + " (" + tls_error +
            "): install the flowscope CA (flowscope ca install) or pass --ignore-hosts";
    if (ctx_.policy.remember_passthrough(ctx_.client_ip, host())) {
      error += "; " + host() + " is tunnelled blind for " + ctx_.client_ip + " for the next " +
               std::to_string(ctx_.config.passthrough_ttl_ms / 1000) + " s (--auto-passthrough)";
    }
  } else {
    error = "TLS handshake with the client for " + host() + " failed (" + tls_error + ")";
  }
  exchange_->flow().tls = origin_->tls;
  exchange_->flow().tls->sni = sni_;
  state_ = State::kHandedOver;
  fail(error);
}

void TunnelSetup::client_eof() {
  switch (state_) {
    case State::kConnecting:
    case State::kProxyHandshake:
      // A half-close (printf … | nc -N): the tunnel still opens, then passes the EOF on.
      return;
    case State::kSniffing:
      hand_over_to_relay({});  // nothing more will come to sniff; relay what there is
      return;
    case State::kClientTls:
      // The pipe reports the handshake's failure (client_tls_failed) when the EOF ended it.
      if (ctx_.client.failed()) return;
      [[fallthrough]];
    default:
      fail(state_ == State::kOriginTls ? "client closed the connection during the TLS handshake"
                                       : "client closed the connection before the tunnel was established");
      return;
  }
}

void TunnelSetup::client_error(std::string_view message) {
  fail("client connection error: " + std::string(message));
}

// ------------------------------------------------------------------ handovers

void TunnelSetup::hand_over_to_http(TunnelOrigin origin, std::string plaintext) {
  state_ = State::kHandedOver;
  // An intercepted CONNECT is not a flow: its requests are.
  exchange_.reset();
  ctx_.switch_to(std::make_unique<Http1Layer>(ctx_, std::make_unique<TunnelRoute>(ctx_.config, std::move(origin)),
                                              std::move(plaintext)));
}

void TunnelSetup::hand_over_to_relay(std::string from_upstream) {
  if (deferred_ && !ctx_.upstream.open) {
    // A deferred tunnel that turns out blind needs its origin after all; the
    // relay starts once it is connected (upstream_connected).
    state_ = State::kConnecting;
    ctx_.open_upstream(host(), exchange_->connect_target->port, false);
    return;
  }
  state_ = State::kHandedOver;
  ctx_.switch_to(std::make_unique<Relay>(ctx_, std::move(*exchange_), std::move(from_upstream),
                                         std::exchange(client_buf_, {})));
  exchange_.reset();
}

}  // namespace flowscope::proxy
