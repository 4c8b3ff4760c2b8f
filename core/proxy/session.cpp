#include "core/proxy/session.hpp"

#include <utility>

#include "core/overloaded.hpp"
#include "core/flow/body.hpp"
#include "core/http/basic_auth.hpp"
#include "core/http/hop_by_hop.hpp"
#include "core/http/serializer.hpp"

namespace flowscope::proxy {

namespace {

constexpr std::size_t kMaxReplayBytes = 64 * 1024;

const char* const kNotAProxyRequest =
    "flowscope is a proxy: this request was sent to it as if it were the origin server.\n"
    "Point the client at the proxy instead, e.g. curl -x http://HOST:PORT URL,\n"
    "or HTTP_PROXY=http://HOST:PORT HTTPS_PROXY=http://HOST:PORT for most tools.\n";

bool client_wants_keep_alive(const http::RequestHead& head) {
  const bool close = head.headers.has_token("Connection", "close") || head.headers.has_token("Proxy-Connection", "close");
  if (head.version_major == 1 && head.version_minor >= 1) return !close;
  return !close && (head.headers.has_token("Connection", "keep-alive") ||
                    head.headers.has_token("Proxy-Connection", "keep-alive"));
}

// "127.0.0.1:5000" → "127.0.0.1", "[::1]:5000" → "::1".
std::string ip_of(const std::string& address) {
  std::string ip = address.substr(0, address.rfind(':'));
  if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
  return ip;
}


}  // namespace

Session::Session(const Config& config, ConnectPolicy& policy, const Interception* interception, Clock clock,
                 std::uint64_t connection_id, std::string client_address, SessionOptions options)
    : config_(config),
      policy_(policy),
      interception_(interception),
      clock_(std::move(clock)),
      connection_id_(connection_id),
      client_address_(std::move(client_address)),
      client_ip_(ip_of(client_address_)),
      replay_of_(std::move(options.replay_of)),
      replay_https_(options.replay_https),
      request_parser_(http::MessageKind::kRequest, config.max_head_bytes),
      streams_{config_, clock_, options.hook, options.live_events, commands_} {}

bool Session::wants_client_reads() const {
  if (state_ == State::kClosed) return false;
  if (state_ == State::kTunnel) return true;
  return client_buf_.size() < kHighWater && upstream_pending_.size() < kHighWater;
}

void Session::new_exchange() {
  exchange_.emplace(streams_, std::to_string(connection_id_) + "-" + std::to_string(++flow_seq_), connection_id_,
                    client_address_);
  exchange_->flow().replay_of = replay_of_;
}

void Session::send(Side to, std::string bytes) {
  if (bytes.empty()) return;
  if (to == Side::kUpstream) {
    if (exchange_ && state_ == State::kRequest && !exchange_->retried) {
      // Keep the request as sent, while small, to replay it once on a fresh
      // connection if a pooled one turns out to be closed by the origin.
      if (exchange_->replay.size() + bytes.size() <= kMaxReplayBytes) {
        exchange_->replay.append(bytes);
      } else {
        exchange_->replay.clear();
        exchange_->replay.shrink_to_fit();
        exchange_->retried = true;  // too big to replay: never retry this one
      }
    }
    if (!upstream_connected_) {
      upstream_pending_.append(bytes);
      return;
    }
  }
  std::optional<tls::Endpoint>& endpoint = to == Side::kClient ? client_tls_ : upstream_tls_;
  if (endpoint) {
    endpoint->send(bytes);
    flush_tls(to);
    return;
  }
  emit_bytes(to, std::move(bytes));
}

// Bytes queued while the upstream was connecting; they are in the replay copy already.
void Session::flush_upstream_pending() {
  if (upstream_pending_.empty()) return;
  std::string pending = std::exchange(upstream_pending_, {});
  if (upstream_tls_) {
    upstream_tls_->send(pending);
    flush_tls(Side::kUpstream);
  } else {
    emit(SendBytes{upstream_id_, std::move(pending)});
  }
}

void Session::release_upstream(bool reusable) {
  // Connections with TLS state in this session never go to the shared pool.
  if (upstream_open_) emit(CloseConnection{upstream_id_, reusable && !upstream_tls_});
  upstream_id_ = 0;
  upstream_open_ = upstream_connected_ = false;
  upstream_kept_ = false;
  upstream_tls_.reset();
}

void Session::open_upstream(std::string host, std::uint16_t port, bool allow_pooled) {
  upstream_id_ = ++last_connection_id_;
  emit(OpenConnection{upstream_id_, std::move(host), port, allow_pooled});
}

ConnectionId Session::connection_of(Side side) const {
  return side == Side::kClient ? kClientConnection : upstream_id_;
}

void Session::handle(const Event& event) {
  // Events from an upstream connection this session already let go (a late read
  // from a released connection) are not about anything it still does.
  auto current = [this](ConnectionId id) { return id != kClientConnection && id == upstream_id_; };
  std::visit(Overloaded{
                 [&](const Started&) { on_start(); },
                 [&](const DataReceived& e) {
                   if (e.connection == kClientConnection) {
                     on_client_data(e.bytes);
                   } else if (current(e.connection)) {
                     on_upstream_data(e.bytes);
                   }
                 },
                 [&](const EofReceived& e) {
                   if (e.connection == kClientConnection) {
                     on_client_eof();
                   } else if (current(e.connection)) {
                     on_upstream_eof();
                   }
                 },
                 [&](const ConnectionError& e) {
                   if (e.connection == kClientConnection) {
                     on_client_error(e.message);
                   } else if (current(e.connection)) {
                     on_upstream_error(e.message);
                   }
                 },
                 [&](const Connected& e) {
                   if (current(e.connection)) on_upstream_connected(e.info);
                 },
                 [&](const ConnectFailed& e) {
                   if (current(e.connection)) on_upstream_failed(e.failure);
                 },
                 [&](const TimerFired& e) { on_timer(e.kind); },
                 [&](const ShutdownRequested&) { on_shutdown(); },
                 [&](const Aborted& e) { on_abort(e.reason); },
             },
             event);
}

void Session::on_start() { emit(StartTimer{TimerKind::kIdle, config_.idle_timeout_ms}); }

// ---------------------------------------------------------------- client side

// The only way bytes reach a socket: through the proxy's own TLS when the client
// speaks TLS to the proxy (ProxyTls), as they are otherwise.
void Session::emit_bytes(Side to, std::string bytes) {
  if (to == Side::kClient && proxy_tls_) bytes = proxy_tls_->send(bytes);
  if (!bytes.empty()) emit(SendBytes{connection_of(to), std::move(bytes)});
}

void Session::on_client_data(std::string_view data) {
  if (state_ == State::kClosed) return;
  if (!client_spoke_) {
    client_spoke_ = true;
    if (interception_ != nullptr && replay_of_.empty() && ProxyTls::starts_tls(data)) {
      proxy_tls_.emplace(*interception_, config_.listen_host);
      // The handshake is part of the request head's time: a client that stalls in it
      // gets the header timeout, not an open connection forever.
      emit(StopTimer{TimerKind::kIdle});
      emit(StartTimer{TimerKind::kHeader, config_.header_timeout_ms});
      header_timer_running_ = true;
    }
  }
  if (!proxy_tls_) {
    on_client_plaintext(data);
    return;
  }
  std::string plaintext = proxy_tls_->receive(data);
  if (std::string out = proxy_tls_->take_ciphertext(); !out.empty()) emit(SendBytes{kClientConnection, std::move(out)});
  if (proxy_tls_->failed()) {
    const std::string error = proxy_tls_->error();
    proxy_tls_.reset();
    if (state_ == State::kTunnel) {
      finish_tunnel(error);
      return;
    }
    record_flow(error);  // the exchange in flight, if any
    release_upstream(false);
    close_all();
    return;
  }
  if (header_timer_running_ && state_ == State::kAwaitHead && proxy_tls_->established() && plaintext.empty()) {
    // The handshake is done and no request has started: idle, as a plain connection.
    emit(StopTimer{TimerKind::kHeader});
    header_timer_running_ = false;
    emit(StartTimer{TimerKind::kIdle, config_.idle_timeout_ms});
  }
  if (!plaintext.empty()) on_client_plaintext(plaintext);
  if (proxy_tls_ && proxy_tls_->peer_closed() && !client_eof_ && state_ != State::kClosed) on_client_eof();
}

void Session::on_client_plaintext(std::string_view data) {
  switch (state_) {
    case State::kClosed:
      return;
    case State::kTunnel:
      tunnel_client_data(data);
      return;
    case State::kSniffing:
      client_buf_.append(data);
      sniff_client();
      return;
    case State::kOriginTls:
      client_buf_.append(data);  // handed to our TLS server once the origin answered
      return;
    case State::kClientTls:
      client_tls_->receive(data);
      on_client_tls_progress();
      return;
    default:
      break;
  }
  if (client_tls_) {
    client_tls_->receive(data);
    flush_tls(Side::kClient);
    client_plaintext_ready();
    return;
  }
  client_input(data);
}

void Session::client_input(std::string_view plaintext) {
  client_buf_.append(plaintext);
  pump_client();
}

void Session::pump_client() {
  while (state_ != State::kClosed && !client_buf_.empty()) {
    const bool reading_head = state_ == State::kAwaitHead;
    const bool reading_body = state_ == State::kRequest && exchange_ && !exchange_->request_complete &&
                              upstream_pending_.size() < kHighWater;
    if (!reading_head && !reading_body) return;
    if (reading_head && !header_timer_running_) {
      emit(StopTimer{TimerKind::kIdle});
      emit(StartTimer{TimerKind::kHeader, config_.header_timeout_ms});
      header_timer_running_ = true;
    }

    http::ParseOutput out = request_parser_.feed(client_buf_);
    if (out.status == http::ParseStatus::kError) {
      // Checked before anything of this input is forwarded: a request whose head
      // and bad framing arrive together never reaches the origin.
      const auto& error = request_parser_.error();
      release_upstream(false);
      answer_error(error.http_status, "malformed request: " + error.message);
      return;
    }
    if (out.head_ready) {
      emit(StopTimer{TimerKind::kHeader});
      header_timer_running_ = false;
      if (!handle_request_head()) return;
    }
    for (std::string_view piece : out.body) forward_request_body(piece);

    switch (out.status) {
      case http::ParseStatus::kComplete:
        // Consumed first: finishing may answer at once and parse the next request.
        client_buf_.erase(0, out.consumed);
        finish_request(out.trailers);
        continue;
      case http::ParseStatus::kUpgrade:
        // CONNECT (tunnel pending) or an Upgrade request (101 pending): either way
        // the request itself is complete and later bytes belong to the new protocol.
        client_buf_.erase(0, out.consumed);
        if (state_ == State::kRequest) finish_request(out.trailers);
        return;
      default:
        break;
    }
    client_buf_.erase(0, out.consumed);
  }
  if (state_ == State::kAwaitHead && client_buf_.empty() && client_eof_) close_all();
}

bool Session::check_auth(const http::RequestHead& head) {
  if (!config_.proxy_auth) return true;
  const std::string* value = head.headers.find("Proxy-Authorization");
  auto credentials = value ? http::decode_basic_credentials(*value) : std::nullopt;
  if (credentials && *credentials == *config_.proxy_auth) return true;
  http::Headers challenge;
  challenge.add("Proxy-Authenticate", "Basic realm=\"flowscope\"");
  answer_error(407, value ? "proxy credentials are wrong" : "proxy credentials are required (--proxy-auth is set)",
               challenge);
  return false;
}

bool Session::handle_request_head() {
  http::RequestHead head = request_parser_.take_request_head();
  new_exchange();
  Exchange& ex = *exchange_;
  ex.flow().request.method = head.method;
  ex.flow().request.url = head.target;
  ex.flow().request.http_version = head.version();
  ex.flow().request.headers = head.headers;
  ex.request = std::move(head);
  state_ = State::kRequest;

  if (inner_) {
    // Inside an intercepted tunnel the client talks to the origin, not to us: no
    // proxy authentication, and origin-form targets are the norm.
    ex.flow().scheme = inner_->scheme;
    ex.flow().server_address = inner_->server_address;
    if (inner_->scheme == "https") ex.flow().tls = inner_->tls;
    ex.flow().timings.dns = std::exchange(inner_->dns_ms, -1);
    ex.flow().timings.connect = std::exchange(inner_->connect_ms, -1);
    ex.flow().timings.tls = std::exchange(inner_->tls_ms, -1);
    std::string absolute = ex.request.target;
    if (!absolute.empty() && absolute.front() == '/') {
      // The URL a user would type: the scheme's default port is left out.
      std::string authority = inner_->target.to_string();
      const std::uint16_t default_port = inner_->scheme == "https" ? 443 : 80;
      if (inner_->target.port == default_port) authority.resize(authority.rfind(':'));
      absolute = inner_->scheme + "://" + authority + absolute;
    }
    ex.flow().request.url = absolute;
    auto url = http::parse_absolute_url(absolute);
    if (!url) {
      answer_error(400, "bad request target: " + url.error().message);
      return false;
    }
    if (!inner_->refusal.empty()) {
      answer_error(502, inner_->refusal);
      return false;
    }
    return forward_unless_hooked(*url);
  }

  // A replay comes from inside the engine, which holds no client credentials.
  if (replay_of_.empty() && !check_auth(ex.request)) return false;

  if (ex.request.method == "CONNECT") {
    auto target = http::parse_connect_target(ex.request.target);
    if (!target) {
      answer_error(400, "bad CONNECT target: " + target.error().message);
      return false;
    }
    const auto& ports = config_.connect_ports;
    if (!ports.empty() && std::find(ports.begin(), ports.end(), target->port) == ports.end()) {
      answer_error(403, "CONNECT to port " + std::to_string(target->port) + " is not allowed (--connect-ports)");
      return false;
    }
    start_connect(*target);
    return true;
  }

  if (!ex.request.target.empty() && ex.request.target.front() == '/') {
    answer_error(400, kNotAProxyRequest);
    return false;
  }
  auto url = http::parse_absolute_url(ex.request.target);
  if (!url) {
    answer_error(400, "bad request target: " + url.error().message);
    return false;
  }
  if (url->scheme != "http") {
    answer_error(400, "https:// URLs go through CONNECT; this proxy does not originate TLS for absolute-form requests");
    return false;
  }
  ex.flow().scheme = "http";
  return forward_unless_hooked(*url);
}

// The request-head hook may let the request go, change it, answer it, or kill it.
bool Session::forward_unless_hooked(http::AbsoluteUrl url) {
  Exchange& ex = *exchange_;
  HookAnswer answer = ex.stream.request_head();
  switch (answer.kind) {
    case HookAnswer::Kind::kContinue:
      break;
    case HookAnswer::Kind::kModified: {
      const flow::Request& changed = ex.flow().request;
      auto parsed = http::parse_absolute_url(changed.url);
      if (!parsed) {
        answer_error(500, "a hook changed the URL to one that does not parse: " + parsed.error().message);
        return false;
      }
      if (inner_ && !(parsed->scheme == inner_->scheme && parsed->authority.host == inner_->target.host &&
                      parsed->authority.port == inner_->target.port)) {
        answer_error(502, "a hook sent a request of an intercepted tunnel to another origin (" + changed.url +
                              "); that is not supported yet");
        return false;
      }
      if (!inner_ && parsed->scheme != "http") {
        answer_error(502, "a hook changed the URL to " + changed.url +
                              ": absolute-form requests go to http:// origins only");
        return false;
      }
      url = std::move(*parsed);
      ex.request.method = changed.method;
      ex.request.headers = changed.headers;
      ex.request.target = url.path_and_query;
      break;
    }
    case HookAnswer::Kind::kAnswer:
      ex.local = std::move(answer.response);
      return true;  // answered once the request has been read
    case HookAnswer::Kind::kKill:
      kill(answer.reason);
      return false;
  }
  start_forwarding(url);
  return true;
}

void Session::kill(std::string_view reason) {
  if (exchange_) exchange_->stream.finish("killed by a hook: " + std::string(reason));
  release_upstream(false);
  close_all();
}

void Session::start_forwarding(const http::AbsoluteUrl& url) {
  Exchange& ex = *exchange_;
  ex.url = url;
  if (!inner_) ex.flow().scheme = "http";
  ex.request_framing = request_out_framing(ex.request);
  // Inside an intercepted tunnel the origin connection is ours alone and already
  // speaks to the origin itself, so requests stay origin-form.
  const bool via_proxy = config_.upstream_proxy.has_value() && !inner_;
  const std::string credentials = via_proxy ? config_.upstream_proxy->credentials : std::string();
  ex.upstream_reused = upstream_kept_;
  send(Side::kUpstream, http::serialize(make_upstream_request(ex.request, url, via_proxy, credentials)));

  response_parser_ = std::make_unique<http::Parser>(http::MessageKind::kResponse);
  if (ex.request.method == "HEAD") response_parser_->expect_response_to_head();
  if (!upstream_open_) {
    upstream_open_ = true;
    if (inner_) {
      open_upstream(inner_->target.host, inner_->target.port, false);
    } else if (via_proxy) {
      open_upstream(config_.upstream_proxy->host, config_.upstream_proxy->port, true);
    } else {
      open_upstream(url.authority.host, url.authority.port, true);
    }
  }
}

void Session::start_connect(const http::Authority& target) {
  Exchange& ex = *exchange_;
  ex.connect_target = target;
  ex.flow().scheme = "tunnel";
  ex.flow().tunnel = flow::Tunnel{target.host, target.port, 0, 0, 0};
  state_ = State::kConnecting;
  upstream_open_ = true;
  if (config_.upstream_proxy) {
    open_upstream(config_.upstream_proxy->host, config_.upstream_proxy->port, false);
  } else {
    open_upstream(target.host, target.port, false);
  }
}

void Session::forward_request_body(std::string_view piece) {
  Exchange& ex = *exchange_;
  ex.stream.request_body(piece);
  if (!ex.local) send_body_piece(Side::kUpstream, ex.request_framing, piece);
}

void Session::send_body_piece(Side to, OutFraming framing, std::string_view piece) {
  if (framing != OutFraming::kChunked) {
    send(to, std::string(piece));
    return;
  }
  std::string framed;
  framed.reserve(piece.size() + 16);
  http::append_chunk(framed, piece);
  send(to, std::move(framed));
}

void Session::finish_request(const http::Headers& trailers) {
  Exchange& ex = *exchange_;
  if (ex.local) {
    ex.request_complete = true;
    answer_locally(*ex.local);
    return;
  }
  if (ex.request_framing == OutFraming::kChunked) {
    std::string last;
    http::append_last_chunk(last, trailers);
    send(Side::kUpstream, std::move(last));
  }
  ex.request_complete = true;
  if (HookAnswer answer = ex.stream.request_end(); answer.kind == HookAnswer::Kind::kKill) {
    kill(answer.reason);
    return;
  }
  if (upstream_connected_ && !ex.response_head_sent) {
    emit(StartTimer{TimerKind::kResponse, config_.response_timeout_ms});
  }
}

void Session::on_client_eof() {
  if (state_ == State::kClosed) return;
  if (proxy_tls_) {
    std::string plaintext = proxy_tls_->receive_eof();
    if (!plaintext.empty()) on_client_plaintext(plaintext);
    if (state_ == State::kClosed) return;
  }
  client_eof_ = true;
  if (state_ == State::kClientTls) {
    client_tls_->receive_eof();
    on_client_tls_progress();
    return;
  }
  if (client_tls_ && state_ != State::kTunnel) {
    client_tls_->receive_eof();
    std::string plaintext = client_tls_->take_plaintext();
    if (!plaintext.empty()) client_input(plaintext);
    if (state_ == State::kClosed) return;
  }
  client_closed();
}

void Session::client_closed() {
  switch (state_) {
    case State::kTunnel:
      tunnel_side_closed(Side::kClient);
      return;
    case State::kAwaitHead:
      if (client_buf_.empty() || request_parser_.head_started()) close_all();
      return;
    case State::kRequest:
      if (exchange_ && !exchange_->request_complete) {
        release_upstream(false);
        record_flow("client closed the connection before the request was complete");
        close_all();
      }
      // Otherwise the client only half-closed: answer, then close.
      return;
    case State::kConnecting:
    case State::kProxyHandshake:
      // A half-close (printf … | nc -N): the tunnel still opens, then passes the EOF on.
      return;
    case State::kSniffing:
      enter_tunnel({});  // nothing more will come to sniff; relay what there is
      return;
    default:
      record_flow(state_ == State::kOriginTls ? "client closed the connection during the TLS handshake"
                                              : "client closed the connection before the tunnel was established");
      release_upstream(false);
      close_all();
      return;
  }
}

void Session::on_client_error(std::string_view message) {
  if (state_ == State::kClosed) return;
  if (state_ == State::kTunnel) {
    finish_tunnel("client connection error: " + std::string(message));
    return;
  }
  if (exchange_) record_flow("client connection error: " + std::string(message));
  close_all();
}

// -------------------------------------------------------------- upstream side

void Session::on_upstream_connected(const UpstreamInfo& info) {
  if (state_ == State::kClosed || !exchange_) return;
  Exchange& ex = *exchange_;
  if (inner_ && state_ == State::kRequest) {
    // A new connection inside an intercepted tunnel (the previous one closed).
    if (config_.upstream_proxy) {
      answer_error(502, "the origin closed the connection; reconnecting through --upstream-proxy inside an "
                        "intercepted tunnel is not supported yet");
      return;
    }
    ex.stream.connected();
    ex.flow().server_address = inner_->server_address = info.server_address;
    ex.flow().timings.dns = info.dns_ms;
    ex.flow().timings.connect = info.connect_ms;
    if (inner_->scheme == "https") {
      auto endpoint = tls::Endpoint::client(interception_->origin_facing, origin_host(), !interception_->insecure);
      if (!endpoint) {
        answer_error(502, endpoint.error().message);
        return;
      }
      upstream_tls_.emplace(std::move(*endpoint));
      upstream_tls_->start();
      flush_tls(Side::kUpstream);
      return;  // upstream_connected_ waits for the handshake
    }
  }
  upstream_connected_ = true;
  ex.stream.connected();
  ex.upstream_reused = info.reused;
  ex.flow().server_address = info.server_address;
  if (!ex.retried || ex.flow().timings.connect < 0) {
    ex.flow().timings.dns = info.dns_ms;
    ex.flow().timings.connect = info.connect_ms;
  }

  if (state_ == State::kConnecting) {
    if (config_.upstream_proxy) {
      response_parser_ = std::make_unique<http::Parser>(http::MessageKind::kResponse);
      response_parser_->expect_response_to_connect();
      state_ = State::kProxyHandshake;
      send(Side::kUpstream, make_connect_request(*ex.connect_target, config_.upstream_proxy->credentials));
      return;
    }
    after_connect_established();
    return;
  }

  flush_upstream_pending();
  if (ex.request_complete) emit(StartTimer{TimerKind::kResponse, config_.response_timeout_ms});
  pump_client();
}

void Session::on_upstream_failed(const UpstreamFailure& failure) {
  if (state_ == State::kClosed) return;
  // The driver has closed the connection that failed.
  upstream_id_ = 0;
  upstream_open_ = upstream_connected_ = upstream_kept_ = false;
  upstream_tls_.reset();
  upstream_pending_.clear();
  std::string where;
  if (exchange_ && exchange_->connect_target) where = exchange_->connect_target->to_string();
  if (exchange_ && exchange_->url) where = exchange_->url->authority.to_string();
  if (config_.upstream_proxy && !inner_) where = "upstream proxy " + config_.upstream_proxy->host + ":" +
                                      std::to_string(config_.upstream_proxy->port);
  const int status = failure.kind == UpstreamFailureKind::kTimeout ? 504 : 502;
  answer_error(status, "cannot connect to " + where + ": " + failure.message);
}

void Session::on_upstream_data(std::string_view data) {
  if (state_ == State::kClosed) return;
  if (state_ == State::kTunnel) {
    tunnel_upstream_data(data);
    return;
  }
  if (state_ == State::kSniffing) {
    // The origin speaks before the client (SSH, SMTP, …): not for us to parse.
    enter_tunnel(data);
    return;
  }
  if (upstream_tls_) {
    upstream_tls_->receive(data);
    std::optional<std::string> plaintext = upstream_tls_step();
    if (!plaintext) return;
    const bool closed = upstream_tls_->state() == tls::EndpointState::kClosed;  // close_notify
    if (!plaintext->empty()) upstream_input(*plaintext);
    if (closed && upstream_tls_) upstream_closed();
    return;
  }
  upstream_input(data);
}

void Session::upstream_input(std::string_view data) {
  if (state_ == State::kClosed) return;
  if (state_ == State::kProxyHandshake) {
    http::ParseOutput out = response_parser_->feed(data);
    if (out.status == http::ParseStatus::kUpgrade) {
      response_parser_.reset();
      if (out.consumed < data.size()) {
        // The origin spoke first: a server-first protocol, relayed blind.
        send(Side::kClient, "HTTP/1.1 200 Connection Established\r\n\r\n");
        enter_tunnel(data.substr(out.consumed));
      } else {
        after_connect_established();
      }
    } else if (out.status != http::ParseStatus::kNeedMore) {
      auto head = response_parser_->take_response_head();
      std::string why = out.status == http::ParseStatus::kError
                            ? response_parser_->error().message
                            : std::to_string(head.status) + " " + head.reason;
      release_upstream(false);
      answer_error(502, "upstream proxy refused CONNECT: " + why);
    }
    return;
  }
  if (state_ != State::kRequest || !exchange_ || !response_parser_) {
    // Bytes nobody asked for: the connection cannot be trusted for reuse.
    release_upstream(false);
    return;
  }
  handle_response_output({}, data);
}

// Feeds `data` to the response parser (or, with data empty and `eof_output` set,
// handles what finish() returned) and forwards heads and body pieces in order.
void Session::handle_response_output(const http::ParseOutput& eof_output, std::string_view data) {
  const bool at_eof = data.empty();
  std::string_view rest = data;
  bool first = true;
  while (state_ == State::kRequest && exchange_ && (at_eof ? first : !rest.empty())) {
    first = false;
    Exchange& ex = *exchange_;
    http::ParseOutput out = at_eof ? eof_output : response_parser_->feed(rest);
    if (out.status == http::ParseStatus::kError) {
      upstream_gone("invalid response from upstream: " + response_parser_->error().message);
      return;
    }
    if (out.head_ready) {
      http::ResponseHead head = response_parser_->take_response_head();
      ex.response_bytes += 1;
      if (head.status >= 100 && head.status < 200 && head.status != 101) {
        // Interim responses (100 Continue, 103 Early Hints) go to HTTP/1.1 clients as-is.
        if (ex.request.version_minor >= 1) {
          send(Side::kClient, http::serialize(make_client_response(head, OutFraming::kAsReceived, false, false)));
        }
      } else {
        emit(StopTimer{TimerKind::kResponse});
        // A hook that answered or killed has ended the exchange (and `ex` with it).
        if (!send_response_head(head)) return;
      }
    }
    for (std::string_view piece : out.body) {
      ex.stream.response_body(piece);
      send_body_piece(Side::kClient, ex.response_framing, piece);
    }
    switch (out.status) {
      case http::ParseStatus::kComplete:
        if (!ex.response_head_sent) {  // an interim response ended; the final one follows
          rest.remove_prefix(out.consumed);
          continue;
        }
        // Bytes after the response were never asked for: do not pool that connection.
        finish_response(out.trailers, !at_eof && out.consumed < rest.size());
        return;
      case http::ParseStatus::kUpgrade:
        if (ex.flow().response && ex.flow().response->status == 101) {
          enter_tunnel(rest.substr(out.consumed));
        } else {
          upstream_gone("upstream switched protocols without 101");
        }
        return;
      default:
        if (at_eof) upstream_gone("upstream closed the connection before the response was complete");
        return;
    }
  }
}

bool Session::send_response_head(http::ResponseHead head) {
  Exchange& ex = *exchange_;
  ex.flow().response = flow::Response{head.status, head.reason, head.version(), head.headers, {}};
  HookAnswer answer = ex.stream.response_head();
  switch (answer.kind) {
    case HookAnswer::Kind::kContinue:
      break;
    case HookAnswer::Kind::kModified:
      head.status = ex.flow().response->status;
      head.reason = ex.flow().response->reason;
      head.headers = ex.flow().response->headers;
      break;
    case HookAnswer::Kind::kAnswer:
      // The origin's answer is replaced: its body is never read.
      release_upstream(false);
      answer_locally(answer.response);
      return false;
    case HookAnswer::Kind::kKill:
      kill(answer.reason);
      return false;
  }
  const bool keep_alive = client_wants_keep_alive(ex.request) && !draining_;
  const bool client_http10 = ex.request.version_major == 1 && ex.request.version_minor == 0;
  switch (head.framing) {
    case http::BodyFraming::kContentLength: ex.response_framing = OutFraming::kContentLength; break;
    case http::BodyFraming::kChunked:
      // RFC 9112 §6.1: no chunked coding towards an HTTP/1.0 client.
      ex.response_framing = client_http10 ? OutFraming::kUntilClose : OutFraming::kChunked;
      if (client_http10) ex.close_client_after = true;
      break;
    case http::BodyFraming::kUntilClose:
      // Re-frame as chunked when the client can take it, so its connection survives.
      ex.response_framing = (keep_alive && !client_http10) ? OutFraming::kChunked : OutFraming::kUntilClose;
      if (ex.response_framing == OutFraming::kUntilClose) ex.close_client_after = true;
      break;
    default: ex.response_framing = OutFraming::kAsReceived; break;
  }
  // An answer that comes before the request body ended leaves that body unread:
  // the connection cannot carry another request.
  if (!keep_alive || !ex.request_complete) ex.close_client_after = true;
  send(Side::kClient,
       http::serialize(make_client_response(head, ex.response_framing, ex.close_client_after, client_http10)));
  ex.response_head_sent = true;
  return true;
}

void Session::finish_response(const http::Headers& trailers, bool unsolicited_bytes) {
  Exchange& ex = *exchange_;
  if (ex.response_framing == OutFraming::kChunked) {
    std::string last;
    http::append_last_chunk(last, trailers);
    send(Side::kClient, std::move(last));
  }
  if (HookAnswer answer = ex.stream.response_end(); answer.kind == HookAnswer::Kind::kKill) {
    kill(answer.reason);
    return;
  }

  const bool reusable = response_parser_->keep_alive() && ex.request_complete && !upstream_eof_ &&
                        !unsolicited_bytes && ex.flow().response->status != 101;
  if (inner_ && reusable) {
    upstream_kept_ = true;  // the tunnel's origin connection serves the next request
  } else {
    release_upstream(reusable);
  }
  if (!ex.request_complete) ex.close_client_after = true;
  record_flow();
  // Any Upgrade the origin did not take (WebSocket refused, h2c stripped): HTTP goes on.
  request_parser_.resume_after_declined_upgrade();
  after_exchange();
}

void Session::after_exchange() {
  const bool close = exchange_ && exchange_->close_client_after;
  exchange_.reset();
  response_parser_.reset();
  upstream_eof_ = false;
  if (close || draining_ || (client_eof_ && client_buf_.empty())) {
    close_all();
    return;
  }
  state_ = State::kAwaitHead;
  emit(StartTimer{TimerKind::kIdle, config_.idle_timeout_ms});
  pump_client();
}

bool Session::try_retry() {
  Exchange& ex = *exchange_;
  if (!ex.upstream_reused || ex.retried || ex.response_head_sent || ex.response_bytes > 0 || !ex.request_complete ||
      ex.replay.empty()) {
    return false;
  }
  ex.retried = true;
  upstream_pending_ = std::exchange(ex.replay, {});
  response_parser_ = std::make_unique<http::Parser>(http::MessageKind::kResponse);
  if (ex.request.method == "HEAD") response_parser_->expect_response_to_head();
  upstream_open_ = true;
  if (inner_) {
    open_upstream(inner_->target.host, inner_->target.port, false);
  } else if (config_.upstream_proxy) {
    open_upstream(config_.upstream_proxy->host, config_.upstream_proxy->port, false);
  } else {
    open_upstream(ex.url->authority.host, ex.url->authority.port, false);
  }
  return true;
}

void Session::upstream_gone(std::string_view reason) {
  release_upstream(false);
  emit(StopTimer{TimerKind::kResponse});
  if (try_retry()) return;
  if (!exchange_->response_head_sent) {
    answer_error(502, reason);
    return;
  }
  // The client already has part of the response: all we can do is cut it off.
  record_flow(std::string(reason));
  close_all();
}

void Session::on_upstream_eof() {
  if (state_ == State::kClosed) return;
  if (upstream_tls_) {
    upstream_tls_->receive_eof();
    std::optional<std::string> plaintext = upstream_tls_step();
    if (!plaintext) return;
    if (!plaintext->empty()) upstream_input(*plaintext);
    if (state_ == State::kClosed) return;
  }
  upstream_closed();
}

void Session::upstream_closed() {
  upstream_eof_ = true;
  switch (state_) {
    case State::kTunnel:
      tunnel_side_closed(Side::kUpstream);
      return;
    case State::kConnecting:
    case State::kProxyHandshake:
      release_upstream(false);
      answer_error(502, "upstream proxy closed the connection during CONNECT");
      return;
    case State::kAwaitHead:
      // The tunnel's idle origin connection closed: the next request reconnects.
      release_upstream(false);
      upstream_eof_ = false;
      return;
    case State::kRequest:
      if (exchange_ && !upstream_connected_ && upstream_open_ && inner_) {
        upstream_gone("the origin closed the connection during the TLS handshake");
      } else if (exchange_ && response_parser_) {
        http::ParseOutput out = response_parser_->finish();
        if (out.status == http::ParseStatus::kComplete && exchange_->response_head_sent) {
          handle_response_output(out, {});
        } else {
          upstream_gone(exchange_->response_bytes == 0 ? "upstream closed the connection without responding"
                                                       : "upstream closed the connection mid-response");
        }
      }
      return;
    default:
      return;
  }
}

void Session::on_upstream_error(std::string_view message) {
  if (state_ == State::kClosed) return;
  upstream_eof_ = true;
  if (state_ == State::kTunnel) {
    finish_tunnel("upstream connection error: " + std::string(message));
    return;
  }
  if (state_ == State::kRequest && exchange_) {
    upstream_gone("upstream connection error: " + std::string(message));
    return;
  }
  if (state_ == State::kConnecting || state_ == State::kProxyHandshake || state_ == State::kOriginTls) {
    release_upstream(false);
    answer_error(502, "upstream connection error: " + std::string(message));
    return;
  }
  if (state_ == State::kAwaitHead) release_upstream(false);
}

// --------------------------------------------------------------------- timers

void Session::on_timer(TimerKind kind) {
  if (state_ == State::kClosed) return;
  switch (kind) {
    case TimerKind::kIdle:
      if (state_ == State::kAwaitHead && client_buf_.empty()) close_all();
      return;
    case TimerKind::kHeader:
      if (state_ == State::kAwaitHead) {
        header_timer_running_ = false;
        answer_error(408, "request head not received within " + std::to_string(config_.header_timeout_ms) + " ms");
      }
      return;
    case TimerKind::kResponse:
      if (state_ == State::kRequest && exchange_ && !exchange_->response_head_sent) {
        release_upstream(false);
        answer_error(504, "no response from upstream within " + std::to_string(config_.response_timeout_ms) + " ms");
      }
      return;
  }
}

void Session::on_abort(std::string_view reason) {
  if (state_ == State::kClosed) return;
  if (state_ == State::kTunnel) {
    finish_tunnel(reason);
    return;
  }
  record_flow(std::string(reason));
  release_upstream(false);
  close_all();
}

void Session::on_shutdown() {
  draining_ = true;
  if (state_ == State::kAwaitHead && client_buf_.empty()) close_all();
}

// --------------------------------------------------------------------- tunnel

void Session::enter_tunnel(std::string_view upstream_leftover) {
  Exchange& ex = *exchange_;
  state_ = State::kTunnel;
  response_parser_.reset();
  if (!ex.stream.is_connected()) ex.stream.connected();
  // A blind CONNECT tunnel shows live from here (an intercepted one is no flow, and
  // an upgraded exchange was announced with its request).
  if (ex.flow().scheme == "tunnel") ex.stream.announce();
  if (!ex.flow().tunnel) ex.flow().tunnel = flow::Tunnel{};
  emit(StopTimer{TimerKind::kResponse});
  if (!upstream_leftover.empty()) tunnel_upstream_data(upstream_leftover);
  if (!client_buf_.empty()) {
    std::string early = std::move(client_buf_);
    client_buf_.clear();
    tunnel_client_data(early);
  }
  if (client_eof_) tunnel_side_closed(Side::kClient);
}

void Session::tunnel_client_data(std::string_view data) {
  exchange_->flow().tunnel->bytes_from_client += data.size();
  send(Side::kUpstream, std::string(data));
}

void Session::tunnel_upstream_data(std::string_view data) {
  exchange_->flow().tunnel->bytes_from_server += data.size();
  send(Side::kClient, std::string(data));
}

void Session::tunnel_side_closed(Side side) {
  // RFC 9110 §9.3.6: what the closed side sent is still delivered; its peer gets
  // a half-close, and the tunnel ends when both directions are done.
  if (side == Side::kUpstream) {
    emit(ShutdownWrite{kClientConnection});
  } else if (upstream_id_ != 0) {
    emit(ShutdownWrite{upstream_id_});
  }
  if (client_eof_ && upstream_eof_) finish_tunnel({});
}

void Session::finish_tunnel(std::string_view error) {
  Exchange& ex = *exchange_;
  ex.flow().tunnel->duration_ms = elapsed_ms(ex.stream.started_us(), now());
  record_flow(std::string(error));
  release_upstream(false);
  close_all();
}

// -------------------------------------------------------------------- answers

void Session::answer_error(int status, std::string_view message, const http::Headers& extra) {
  if (!exchange_) new_exchange();
  std::string body(message);
  if (body.empty() || body.back() != '\n') body.push_back('\n');
  const std::string_view reason = http::reason_phrase(status);
  std::string bytes = http::simple_response(status, reason, body, extra, true);
  flow::Response response{status, std::string(reason), "HTTP/1.1", {}, {}};
  response.headers.add("Content-Type", "text/plain; charset=utf-8");
  response.headers.add("Content-Length", std::to_string(body.size()));
  for (const auto& h : extra.items) response.headers.add(h.name, h.value);
  response.headers.add("Connection", "close");
  flow::append_limited(response.body, body, config_.body_limit);
  exchange_->flow().response = std::move(response);
  send(Side::kClient, std::move(bytes));
  std::string error(message);
  while (!error.empty() && error.back() == '\n') error.pop_back();
  record_flow(std::move(error));
  release_upstream(false);
  close_all();
}

// An answer a hook gave (the CA page, map-local): recorded, and the connection stays.
void Session::answer_locally(const LocalResponse& answer) {
  Exchange& ex = *exchange_;
  http::ResponseHead head;
  head.status = answer.status;
  head.reason = std::string(http::reason_phrase(answer.status));
  head.headers = answer.headers;
  head.headers.add("Content-Length", std::to_string(answer.body.size()));
  ex.flow().response = flow::Response{head.status, head.reason, "HTTP/1.1", head.headers, {}};
  ex.stream.response_body(answer.body);
  // A request whose body is still coming (an answer at response head) leaves bytes
  // that belong to no request: the connection cannot carry another.
  ex.close_client_after = !client_wants_keep_alive(ex.request) || !ex.request_complete;
  if (ex.close_client_after) head.headers.add("Connection", "close");
  std::string bytes = http::serialize(head);
  if (ex.request.method != "HEAD") bytes += answer.body;  // RFC 9110 §9.3.2: no body for HEAD
  send(Side::kClient, std::move(bytes));
  record_flow();
  // An Upgrade the hook answered instead is declined: HTTP goes on.
  request_parser_.resume_after_declined_upgrade();
  after_exchange();
}

void Session::record_flow(std::string error) {
  if (exchange_) exchange_->stream.finish(std::move(error));
}

void Session::close_all() {
  if (state_ == State::kClosed) return;
  if (client_tls_ && client_tls_->state() == tls::EndpointState::kEstablished) {
    client_tls_->close();
    flush_tls(Side::kClient);
  }
  if (proxy_tls_) {
    if (std::string notify = proxy_tls_->close(); !notify.empty()) emit(SendBytes{kClientConnection, std::move(notify)});
  }
  state_ = State::kClosed;
  emit(CloseConnection{kClientConnection, false});
}

}  // namespace flowscope::proxy
