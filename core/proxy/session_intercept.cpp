// proxy::Session, the part that turns a CONNECT tunnel into intercepted HTTP:
// sniff the client's first bytes, handshake with the origin (so that the minted
// certificate can copy the origin's names), then with the client.
#include <openssl/x509v3.h>

#include <ctime>
#include <utility>

#include "core/proxy/session.hpp"
#include "core/tls/client_hello.hpp"
#include "core/tls/server_name.hpp"

namespace flowscope::proxy {

namespace {

constexpr std::size_t kMaxSniffBytes = 64 * 1024;
constexpr std::string_view kEstablished = "HTTP/1.1 200 Connection Established\r\n\r\n";

std::string name_to_string(const X509_NAME* name) {
  if (name == nullptr) return {};
  BIO* bio = BIO_new(BIO_s_mem());
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n > 0 ? n : 0));
  BIO_free(bio);
  return out;
}

std::string time_to_string(const ASN1_TIME* time) {
  if (time == nullptr) return {};
  struct tm tm {};
  if (ASN1_TIME_to_tm(time, &tm) != 1) return {};
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

std::string Session::origin_host() const {
  if (!server_name_.empty()) return server_name_;
  if (inner_) return inner_->target.host;
  return exchange_ && exchange_->connect_target ? exchange_->connect_target->host : std::string();
}

void Session::flush_tls(Side side) {
  std::optional<tls::Endpoint>& endpoint = side == Side::kClient ? client_tls_ : upstream_tls_;
  if (!endpoint) return;
  std::string out = endpoint->take_ciphertext();
  if (!out.empty()) emit_bytes(side, std::move(out));
}

void Session::after_connect_established() {
  send(Side::kClient, std::string(kEstablished));
  const Exchange& ex = *exchange_;
  if (replay_https_) {
    if (interception_ == nullptr) {
      answer_error(502, "replaying an https request needs the origin-facing TLS of interception: "
                        "start flowscope without --no-intercept");
      return;
    }
    // The replayed request follows as plaintext, whatever its method: no sniffing.
    sni_ = server_name_ = ex.connect_target->host;
    start_origin_tls(sni_);
    return;
  }
  if (interception_ != nullptr &&
      policy_.decide({client_ip_, ex.connect_target->host, std::string()}) == TunnelMode::kIntercept) {
    state_ = State::kSniffing;
    sniff_client();
    return;
  }
  enter_tunnel({});
}

void Session::sniff_client() {
  const tls::SniffResult sniffed = tls::sniff(client_buf_);
  switch (sniffed.kind) {
    case tls::Sniffed::kNeedMore:
      if (client_buf_.size() > kMaxSniffBytes) enter_tunnel({});
      return;
    case tls::Sniffed::kOther:
      enter_tunnel({});
      return;
    case tls::Sniffed::kHttp: {
      // Plain HTTP sent into the tunnel: parse it like any other request.
      inner_.emplace();
      inner_->target = *exchange_->connect_target;
      inner_->scheme = "http";
      inner_->server_address = exchange_->flow().server_address;
      inner_->dns_ms = exchange_->flow().timings.dns;
      inner_->connect_ms = exchange_->flow().timings.connect;
      upstream_kept_ = true;
      exchange_.reset();
      request_parser_.reset();
      state_ = State::kAwaitHead;
      pump_client();
      return;
    }
    case tls::Sniffed::kTls:
      sni_ = sniffed.hello.sni;
      // An SNI that names nothing (Go sends "host:port") is recorded as sent; the
      // CONNECT host names the origin and the leaf instead.
      server_name_ = tls::is_usable_server_name(sni_) ? sni_ : exchange_->connect_target->host;
      if (policy_.decide({client_ip_, exchange_->connect_target->host, server_name_}) == TunnelMode::kBlind) {
        enter_tunnel({});
        return;
      }
      start_origin_tls(sni_);
      return;
  }
}

void Session::start_origin_tls(const std::string&) {
  auto endpoint = tls::Endpoint::client(interception_->origin_facing, origin_host(), !interception_->insecure);
  if (!endpoint) {
    record_flow(endpoint.error().message);
    release_upstream(false);
    close_all();
    return;
  }
  upstream_tls_.emplace(std::move(*endpoint));
  state_ = State::kOriginTls;
  origin_tls_started_us_ = now();
  upstream_tls_->start();
  flush_tls(Side::kUpstream);
}

flow::Tls Session::describe_origin_tls() const {
  flow::Tls t;
  t.sni = sni_;
  const tls::SessionInfo info = upstream_tls_->info();
  t.server = flow::TlsSide{info.version, info.cipher, info.alpn};
  SSL* ssl = upstream_tls_->ssl();
  if (X509* cert = SSL_get0_peer_certificate(ssl)) {
    t.server_cert_subject = name_to_string(X509_get_subject_name(cert));
    t.server_cert_issuer = name_to_string(X509_get_issuer_name(cert));
    t.server_cert_not_after = time_to_string(X509_get0_notAfter(cert));
  }
  const long verify = SSL_get_verify_result(ssl);
  t.upstream_verify = interception_->insecure ? "disabled (--insecure)"
                      : verify == X509_V_OK   ? "ok"
                                              : X509_verify_cert_error_string(verify);
  return t;
}

void Session::on_origin_tls_progress() {
  const tls::EndpointState state = upstream_tls_->state();
  if (state == tls::EndpointState::kHandshaking) return;
  Exchange& ex = *exchange_;
  inner_.emplace();
  inner_->target = *ex.connect_target;
  inner_->scheme = "https";
  inner_->server_address = ex.flow().server_address;
  inner_->dns_ms = ex.flow().timings.dns;
  inner_->connect_ms = ex.flow().timings.connect;
  inner_->tls_ms = elapsed_ms(origin_tls_started_us_, now());

  X509* origin_cert = nullptr;
  if (state == tls::EndpointState::kEstablished) {
    inner_->tls = describe_origin_tls();
    origin_cert = SSL_get0_peer_certificate(upstream_tls_->ssl());
    if (!interception_->insecure && inner_->tls.upstream_verify != "ok") {
      // DESIGN.md: finish the client's handshake anyway, then answer 502 with the reason.
      inner_->refusal = "the certificate of " + origin_host() + " failed verification: " +
                        inner_->tls.upstream_verify + " (pass --insecure to proxy it anyway)";
    }
  } else {
    inner_->tls.sni = sni_;
    inner_->tls.upstream_verify = "handshake failed: " + upstream_tls_->error();
    inner_->refusal = "TLS handshake with " + origin_host() + " failed: " + upstream_tls_->error();
  }

  if (replay_https_) {
    // No client TLS to terminate: the replayed request is already plaintext.
    inner_->tls.sni = sni_;
    upstream_kept_ = upstream_open_;
    exchange_.reset();
    request_parser_.reset();
    state_ = State::kAwaitHead;
    client_input(std::exchange(client_buf_, {}));
    return;
  }
  const std::string leaf_name = origin_host();
  auto leaf = interception_->certificates->leaf_for(leaf_name, origin_cert);
  if (!inner_->refusal.empty()) release_upstream(false);
  if (!leaf) {
    record_flow("cannot mint a certificate for " + leaf_name + ": " + leaf.error().message);
    release_upstream(false);
    close_all();
    return;
  }
  leaf_owner_ = leaf->owner;
  auto endpoint = tls::Endpoint::server(interception_->client_facing, leaf->cert, leaf->key);
  if (!endpoint) {
    record_flow(endpoint.error().message);
    release_upstream(false);
    close_all();
    return;
  }
  client_tls_.emplace(std::move(*endpoint));
  state_ = State::kClientTls;
  const std::string held = std::exchange(client_buf_, {});
  client_tls_->receive(held);
  on_client_tls_progress();
}

void Session::on_client_tls_progress() {
  flush_tls(Side::kClient);
  const tls::EndpointState state = client_tls_->state();
  if (state == tls::EndpointState::kHandshaking) return;
  if (state == tls::EndpointState::kEstablished) {
    const tls::SessionInfo info = client_tls_->info();
    inner_->tls.sni = sni_;
    inner_->tls.client = flow::TlsSide{info.version, info.cipher, info.alpn};
    upstream_kept_ = upstream_open_;
    exchange_.reset();  // an intercepted CONNECT is not a flow: its requests are
    request_parser_.reset();
    state_ = State::kAwaitHead;
    emit(StartTimer{TimerKind::kIdle, config_.idle_timeout_ms});
    client_plaintext_ready();
    return;
  }
  // The handshake with the client failed. Only an explicit certificate alert
  // (unknown_ca, bad_certificate, …) is a refusal of our certificate; a client that
  // closes mid-handshake (Go's HTTP client does at exit) has refused nothing.
  const std::string host = exchange_->connect_target->host;
  std::string error;
  if (client_tls_->peer_refused_certificate()) {
    error = "the client refused flowscope's certificate for " + host + " (" + client_tls_->error() +
            "): install the flowscope CA (flowscope ca install) or pass --ignore-hosts";
    if (policy_.remember_passthrough(client_ip_, host)) {
      error += "; " + host + " is tunnelled blind for " + client_ip_ + " for the next " +
               std::to_string(config_.passthrough_ttl_ms / 1000) + " s (--auto-passthrough)";
    }
  } else {
    error = "TLS handshake with the client for " + host + " failed (" + client_tls_->error() + ")";
  }
  client_tls_.reset();
  exchange_->flow().tls = inner_->tls;
  exchange_->flow().tls->sni = sni_;
  record_flow(error);
  release_upstream(false);
  close_all();
}

void Session::client_plaintext_ready() {
  std::string plaintext = client_tls_->take_plaintext();
  if (!plaintext.empty()) client_input(plaintext);
  if (state_ == State::kClosed || !client_tls_) return;
  if (client_tls_->state() == tls::EndpointState::kFailed) {
    if (exchange_) record_flow("TLS error from the client: " + client_tls_->error());
    client_tls_.reset();
    release_upstream(false);
    close_all();
  } else if (client_tls_->state() == tls::EndpointState::kClosed && !client_eof_) {
    client_eof_ = true;  // close_notify: the client is done sending
    client_closed();
  }
}

std::optional<std::string> Session::upstream_tls_step() {
  flush_tls(Side::kUpstream);
  if (state_ == State::kOriginTls) {
    on_origin_tls_progress();
    return std::nullopt;
  }
  if (!upstream_tls_progress()) return std::nullopt;
  return upstream_tls_->take_plaintext();
}

bool Session::upstream_tls_progress() {
  const tls::EndpointState state = upstream_tls_->state();
  const bool reconnecting = state_ == State::kRequest && upstream_open_ && !upstream_connected_;
  if (state == tls::EndpointState::kHandshaking) return false;
  if (state == tls::EndpointState::kFailed) {
    const std::string why = "TLS with " + origin_host() + " failed: " + upstream_tls_->error();
    if (state_ == State::kRequest && exchange_) {
      upstream_gone(why);
    } else {
      release_upstream(false);
    }
    return false;
  }
  if (!reconnecting) return true;
  // A fresh origin connection inside the tunnel finished its handshake.
  const flow::Tls described = describe_origin_tls();
  if (!interception_->insecure && described.upstream_verify != "ok") {
    release_upstream(false);
    answer_error(502, "the certificate of " + origin_host() + " failed verification: " + described.upstream_verify +
                          " (pass --insecure to proxy it anyway)");
    return false;
  }
  upstream_connected_ = true;
  flush_upstream_pending();
  if (exchange_ && exchange_->request_complete) {
    emit(StartTimer{TimerKind::kResponse, config_.response_timeout_ms});
  }
  pump_client();
  return true;
}

}  // namespace flowscope::proxy
