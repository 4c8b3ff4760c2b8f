#include "core/proxy/http1_layer.hpp"

#include <algorithm>
#include <utility>

#include "core/http/serializer.hpp"
#include "core/overloaded.hpp"
#include "core/proxy/error_answer.hpp"
#include "core/proxy/origin_tls.hpp"
#include "core/proxy/relay.hpp"
#include "core/proxy/tunnel_setup.hpp"
#include "core/proxy/websocket_layer.hpp"

namespace flowscope::proxy {

namespace {

constexpr std::size_t kMaxReplayBytes = 64 * 1024;

}  // namespace

Http1Layer::Http1Layer(ConnectionContext& ctx, std::unique_ptr<Route> route, std::string early)
    : ctx_(ctx),
      route_(std::move(route)),
      early_(std::move(early)),
      client_side_(ctx.config.max_head_bytes) {}

void Http1Layer::start() {
  if (!early_.empty()) client_data(std::exchange(early_, {}));
}

bool Http1Layer::wants_client_reads() const {
  return !paused() && client_buf_.size() < kHighWater && ctx_.upstream.pending.size() < kHighWater;
}

void Http1Layer::record_flow(std::string error) {
  if (exchange_) exchange_->stream.finish(std::move(error));
}

void Http1Layer::answer_error(int status, std::string_view message, const http::Headers& extra) {
  proxy::answer_error(ctx_, exchange_, status, message, extra);
}

// Everything for the upstream goes through here: while small, the request is kept
// as sent, to replay it once on a fresh connection if a pooled one turns out to be
// closed by the origin.
void Http1Layer::send_upstream(std::string bytes) {
  if (bytes.empty()) return;
  if (exchange_ && state_ == State::kRequest && !exchange_->retried) {
    if (exchange_->replay.size() + bytes.size() <= kMaxReplayBytes) {
      exchange_->replay.append(bytes);
    } else {
      exchange_->replay.clear();
      exchange_->replay.shrink_to_fit();
      exchange_->retried = true;  // too big to replay: never retry this one
    }
  }
  ctx_.send_upstream(std::move(bytes));
}

// ---------------------------------------------------------------- client side

void Http1Layer::client_data(std::string_view plaintext) {
  if (state_ == State::kHandedOver) return;
  client_buf_.append(plaintext);
  pump_client();
}

void Http1Layer::pump_client() {
  while (!ctx_.closed && state_ != State::kHandedOver && !client_buf_.empty()) {
    const bool reading_head = state_ == State::kAwaitHead;
    const bool reading_body = state_ == State::kRequest && exchange_ && !exchange_->request_complete &&
                              !exchange_->paused_at && ctx_.upstream.pending.size() < kHighWater;
    if (!reading_head && !reading_body) return;
    if (reading_head) ctx_.start_header_timer();

    http::CodecInput in = client_side_.feed(client_buf_);
    std::optional<http::Headers> ended;
    bool upgraded = false;
    for (http::StreamEvent& event : in.events) {
      if (auto* error = std::get_if<http::StreamError>(&event)) {
        // An error comes alone, before anything of this input is forwarded: a request
        // whose head and bad framing arrive together never reaches the origin.
        ctx_.release_upstream(false);
        answer_error(error->error.http_status, "malformed request: " + error->error.message);
        return;
      }
      if (auto* head = std::get_if<http::RequestHeadEvent>(&event)) {
        ctx_.stop_header_timer();
        if (!handle_request_head(std::move(head->head))) return;
      } else if (auto* data = std::get_if<http::DataEvent>(&event)) {
        forward_request_body(data->bytes);
      } else if (auto* end = std::get_if<http::EndEvent>(&event)) {
        ended = std::move(end->trailers);
      } else if (std::holds_alternative<http::UpgradeEvent>(event)) {
        upgraded = true;
      }
    }
    // Consumed first: finishing may answer at once and parse the next request.
    client_buf_.erase(0, in.consumed);
    if (ended) {
      finish_request(*ended);
      continue;
    }
    if (upgraded) {
      // CONNECT (tunnel pending) or an Upgrade request (101 pending): either way the
      // request itself is complete and later bytes belong to the new protocol.
      if (exchange_ && exchange_->connect_target) {
        hand_over_to_tunnel();
      } else if (state_ == State::kRequest) {
        finish_request({});
      }
      return;
    }
  }
  if (state_ == State::kAwaitHead && client_buf_.empty() && ctx_.client_eof) ctx_.close_all();
}

bool Http1Layer::handle_request_head(http::RequestHead head) {
  ctx_.new_exchange(exchange_);
  Exchange& ex = *exchange_;
  ex.flow().request.method = head.method;
  ex.flow().request.url = head.target;
  ex.flow().request.http_version = head.version();
  ex.flow().request.headers = head.headers;
  ex.request = std::move(head);
  state_ = State::kRequest;

  Route::Decision decision = route_->resolve(ex);
  return std::visit(Overloaded{
                        [&](Route::Forward& forward) {
                          return on_request_head_answer(ex.stream.request_head(), std::move(forward.url));
                        },
                        [&](Route::Connect& connect) {
                          ex.connect_target = connect.target;
                          return true;  // handed over once the parser reports the upgrade
                        },
                        [&](Route::Refuse& refuse) {
                          answer_error(refuse.status, refuse.message, refuse.extra);
                          return false;
                        },
                    },
                    decision);
}

void Http1Layer::kill(std::string_view reason) {
  if (exchange_) exchange_->stream.finish("killed by a hook: " + std::string(reason));
  ctx_.release_upstream(false);
  ctx_.close_all();
}

void Http1Layer::start_forwarding(const http::AbsoluteUrl& url) {
  Exchange& ex = *exchange_;
  ex.url = url;
  const bool via_proxy = route_->via_upstream_proxy();
  const std::string credentials = via_proxy ? ctx_.config.upstream_proxy->credentials : std::string();
  ex.upstream_reused = ctx_.upstream.kept;
  send_upstream(origin_side_.request_head(http::make_upstream_request(ex.request, url, via_proxy, credentials)));
  if (!ctx_.upstream.open) {
    Route::Destination to = route_->destination(url);
    ctx_.open_upstream(std::move(to.host), to.port, to.pooled);
  }
}

void Http1Layer::forward_request_body(std::string_view piece) {
  Exchange& ex = *exchange_;
  ex.stream.request_body(piece);
  if (ex.local) return;
  if (ex.request_held) {
    hold_request_piece(piece);
  } else {
    send_body_piece(false, piece);
  }
}

void Http1Layer::send_body_piece(bool to_client, std::string_view piece) {
  if (to_client) {
    ctx_.send_client(client_side_.data(piece));
  } else {
    send_upstream(origin_side_.data(piece));
  }
}

void Http1Layer::send_body_end(bool to_client, const http::Headers& trailers) {
  std::string end = to_client ? client_side_.end(trailers) : origin_side_.end(trailers);
  if (end.empty()) return;  // framed by length or by close: nothing marks the end
  if (to_client) {
    ctx_.send_client(std::move(end));
  } else {
    send_upstream(std::move(end));
  }
}

void Http1Layer::finish_request(const http::Headers& trailers) {
  Exchange& ex = *exchange_;
  ex.request_complete = true;
  if (ex.local) {
    answer_locally(*ex.local);
    return;
  }
  if (ex.request_held) {
    ex.held_end = trailers;
    // Paused at its head: the end waits for the answer. Held: the end hook has it whole.
    if (!ex.paused_at) on_held_request_end(ex.stream.request_end());
    return;
  }
  end_forwarded_request(trailers);
}

void Http1Layer::end_forwarded_request(const http::Headers& trailers) {
  Exchange& ex = *exchange_;
  send_body_end(false, trailers);
  HookAnswer answer = ex.stream.request_end();
  if (answer.kind == HookAnswer::Kind::kKill) {
    kill(answer.reason);
    return;
  }
  if (answer.kind == HookAnswer::Kind::kPause) {
    pause_at(HookPoint::kRequestEnd);
    return;
  }
  start_response_timer();
}

void Http1Layer::start_response_timer() {
  if (!exchange_ || paused() || !ctx_.upstream.connected) return;
  const Exchange& ex = *exchange_;
  if (ex.request_complete && !ex.request_held && !ex.local && !ex.response_head_sent) {
    ctx_.emit(StartTimer{TimerKind::kResponse, ctx_.config.response_timeout_ms});
  }
}

void Http1Layer::client_tls_failed(bool tls_to_proxy, const std::string& error) {
  if (exchange_) record_flow(tls_to_proxy ? error : "TLS error from the client: " + error);
  ctx_.release_upstream(false);
  ctx_.close_all();
}

void Http1Layer::client_eof() {
  if (state_ == State::kHandedOver) return;
  if (state_ == State::kAwaitHead) {
    if (client_buf_.empty() || client_side_.head_started()) ctx_.close_all();
    return;
  }
  if (exchange_ && !exchange_->request_complete) {
    ctx_.release_upstream(false);
    record_flow("client closed the connection before the request was complete");
    ctx_.close_all();
  }
  // Otherwise the client only half-closed: answer, then close.
}

void Http1Layer::client_error(std::string_view message) {
  if (exchange_) record_flow("client connection error: " + std::string(message));
  ctx_.close_all();
}

// -------------------------------------------------------------- upstream side

void Http1Layer::upstream_connected(const UpstreamInfo& info) {
  if (!exchange_) return;
  Exchange& ex = *exchange_;
  if (std::string refusal = route_->refuse_new_connection(); !refusal.empty()) {
    answer_error(502, refusal);
    return;
  }
  route_->new_connection(info);
  ex.stream.connected();
  ex.upstream_reused = info.reused;
  ex.flow().server_address = info.server_address;
  if (!ex.retried || ex.flow().timings.connect < 0) {
    ex.flow().timings.dns = info.dns_ms;
    ex.flow().timings.connect = info.connect_ms;
  }
  if (route_->originates_tls()) {
    auto endpoint = tls::Endpoint::client(ctx_.interception->origin_facing, route_->origin_host(),
                                          !ctx_.interception->insecure);
    if (!endpoint) {
      answer_error(502, endpoint.error().message);
      return;
    }
    ctx_.upstream.pipe.push_tls(std::move(*endpoint), true);
    return;  // connected once the handshake is done
  }
  ctx_.upstream.connected = true;
  ctx_.flush_upstream_pending();
  start_response_timer();
  pump_client();
}

void Http1Layer::origin_tls_ready() {
  const tls::Endpoint& endpoint = *ctx_.upstream.pipe.top();
  const flow::Tls described = describe_origin_tls(endpoint, route_->origin_host(), ctx_.interception->insecure);
  if (!ctx_.interception->insecure && described.upstream_verify != "ok") {
    ctx_.release_upstream(false);
    answer_error(502, verification_refusal(route_->origin_host(), described.upstream_verify));
    return;
  }
  ctx_.upstream.connected = true;
  ctx_.flush_upstream_pending();
  start_response_timer();
  pump_client();
}

void Http1Layer::upstream_failed(const UpstreamFailure& failure) {
  ctx_.upstream_dropped();  // the driver has closed the connection that failed
  const std::string where = exchange_ ? route_->describe_destination(*exchange_) : std::string();
  const int status = failure.kind == UpstreamFailureKind::kTimeout ? 504 : 502;
  answer_error(status, "cannot connect to " + where + ": " + failure.message);
}

void Http1Layer::upstream_data(std::string_view data) {
  UpstreamConnection& up = ctx_.upstream;
  if (up.pipe.has_tls() && !up.connected && up.open) {
    // A fresh origin connection inside the tunnel is handshaking.
    if (up.pipe.top()->state() == tls::EndpointState::kHandshaking) return;
    if (up.pipe.top()->state() == tls::EndpointState::kEstablished) origin_tls_ready();
    if (ctx_.closed || !up.connected) return;
  }
  if (data.empty()) return;
  if (state_ != State::kRequest || !exchange_ || !origin_side_.expecting_response()) {
    // Bytes nobody asked for: the connection cannot be trusted for reuse.
    ctx_.release_upstream(false);
    return;
  }
  if (paused()) {
    upstream_buf_.append(data);  // in flight before reading stopped
    return;
  }
  handle_response_input(std::nullopt, data);
}

void Http1Layer::upstream_tls_failed(const std::string& error) {
  const std::string why = "TLS with " + route_->origin_host() + " failed: " + error;
  if (state_ == State::kRequest && exchange_) {
    upstream_gone(why);
  } else {
    ctx_.release_upstream(false);
  }
}

// Feeds `data` to the response parser (or, with data empty and `eof_output` set,
// handles what finish() returned) and forwards heads and body pieces in order.
void Http1Layer::handle_response_input(std::optional<http::CodecInput> at_eof, std::string_view data) {
  const bool eof = at_eof.has_value();
  std::string_view rest = data;
  bool first = true;
  while (!ctx_.closed && state_ == State::kRequest && exchange_ && (eof ? first : !rest.empty())) {
    first = false;
    Exchange& ex = *exchange_;
    http::CodecInput in = eof ? std::move(*at_eof) : origin_side_.feed(rest);
    std::optional<http::Headers> ended;
    bool upgraded = false;
    for (http::StreamEvent& event : in.events) {
      if (auto* error = std::get_if<http::StreamError>(&event)) {
        upstream_gone("invalid response from upstream: " + error->error.message);
        return;
      }
      if (auto* head = std::get_if<http::ResponseHeadEvent>(&event)) {
        ex.response_bytes += 1;
        if (head->interim) {
          // Interim responses (100 Continue, 103 Early Hints) go to HTTP/1.1 clients as-is.
          if (std::string interim = client_side_.interim(head->head); !interim.empty()) {
            ctx_.send_client(std::move(interim));
          }
          continue;
        }
        ctx_.emit(StopTimer{TimerKind::kResponse});
        const http::ResponseHead& h = head->head;
        ex.flow().response = flow::Response{h.status, h.reason, h.version(), h.headers, {}};
        // A hook that answered or killed has ended the exchange (and `ex` with it).
        if (!on_response_head_answer(ex.stream.response_head(), std::move(head->head))) return;
      } else if (auto* piece = std::get_if<http::DataEvent>(&event)) {
        forward_response_body(piece->bytes);
      } else if (auto* end = std::get_if<http::EndEvent>(&event)) {
        ended = std::move(end->trailers);
      } else if (std::holds_alternative<http::UpgradeEvent>(event)) {
        upgraded = true;
      }
    }
    const bool final_response = ex.response_head_sent || ex.response_held;
    if (ended) {
      if (!final_response) {  // an interim response ended; the final one follows
        rest.remove_prefix(in.consumed);
        continue;
      }
      // Bytes after the response were never asked for: do not pool that connection.
      const bool unsolicited = !eof && in.consumed < rest.size();
      if (!ex.response_held) {
        finish_response(*ended, unsolicited);
      } else {
        ex.held_end = std::move(ended);
        ex.held_unsolicited = unsolicited;
        if (!ex.paused_at) on_held_response_end(ex.stream.response_end());
      }
      return;
    }
    if (upgraded) {
      if (!ex.flow().response || ex.flow().response->status != 101) {
        upstream_gone("upstream switched protocols without 101");
      } else if (ex.paused_at) {
        ex.held_upgrade = true;  // the relay starts once the hook has answered
        upstream_buf_.assign(rest.substr(in.consumed));
      } else {
        hand_over_to_relay(rest.substr(in.consumed));
      }
      return;
    }
    if (eof) {
      upstream_gone("upstream closed the connection before the response was complete");
    } else if (ex.paused_at) {
      upstream_buf_.assign(rest.substr(in.consumed));  // parsed after the answer
    }
    return;
  }
}

void Http1Layer::forward_response_body(std::string_view piece) {
  Exchange& ex = *exchange_;
  ex.stream.response_body(piece);
  if (ex.response_held) {
    hold_response_piece(piece);
  } else {
    send_body_piece(true, piece);
  }
}

void Http1Layer::emit_response_head(http::ResponseHead head) {
  Exchange& ex = *exchange_;
  // A response that comes before the request body ended leaves that body unread:
  // the connection cannot carry another request.
  ctx_.send_client(client_side_.response_head(head, !ctx_.draining && ex.request_complete));
  ex.close_client_after = ex.close_client_after || client_side_.close_after();
  ex.response_head_sent = true;
}

void Http1Layer::finish_response(const http::Headers& trailers, bool unsolicited_bytes) {
  Exchange& ex = *exchange_;
  send_body_end(true, trailers);
  HookAnswer answer = ex.stream.response_end();
  if (answer.kind == HookAnswer::Kind::kKill) {
    kill(answer.reason);
    return;
  }
  if (answer.kind == HookAnswer::Kind::kPause) {
    ex.held_unsolicited = unsolicited_bytes;
    pause_at(HookPoint::kResponseEnd);
    return;
  }
  complete_exchange(unsolicited_bytes);
}

void Http1Layer::complete_exchange(bool unsolicited_bytes) {
  Exchange& ex = *exchange_;
  const bool reusable = origin_side_.keep_alive() && ex.request_complete && !ctx_.upstream.eof &&
                        !unsolicited_bytes && ex.flow().response->status != 101;
  if (route_->keeps_upstream() && reusable) {
    ctx_.upstream.kept = true;  // the tunnel's origin connection serves the next request
  } else {
    ctx_.release_upstream(reusable);
  }
  if (!ex.request_complete) ex.close_client_after = true;
  record_flow();
  // Any Upgrade the origin did not take (WebSocket refused, h2c stripped): HTTP goes on.
  client_side_.resume_after_declined_upgrade();
  after_exchange();
}

void Http1Layer::after_exchange() {
  const bool close = exchange_ && exchange_->close_client_after;
  exchange_.reset();
  origin_side_.done();
  upstream_buf_.clear();
  upstream_end_.reset();
  ctx_.upstream.eof = false;
  if (close || ctx_.draining || (ctx_.client_eof && client_buf_.empty())) {
    ctx_.close_all();
    return;
  }
  state_ = State::kAwaitHead;
  ctx_.emit(StartTimer{TimerKind::kIdle, ctx_.config.idle_timeout_ms});
  pump_client();
}

bool Http1Layer::try_retry() {
  Exchange& ex = *exchange_;
  if (!ex.upstream_reused || ex.retried || ex.response_head_sent || ex.response_bytes > 0 || !ex.request_complete ||
      ex.replay.empty()) {
    return false;
  }
  ex.retried = true;
  origin_side_.restart_response();
  Route::Destination to = route_->destination(*ex.url);
  ctx_.open_upstream(std::move(to.host), to.port, false);
  ctx_.upstream.pending = std::exchange(ex.replay, {});
  return true;
}

void Http1Layer::upstream_gone(std::string_view reason) {
  ctx_.release_upstream(false);
  ctx_.emit(StopTimer{TimerKind::kResponse});
  if (try_retry()) return;
  if (!exchange_->response_head_sent) {
    answer_error(502, reason);
    return;
  }
  // The client already has part of the response: all we can do is cut it off.
  record_flow(std::string(reason));
  ctx_.close_all();
}

void Http1Layer::upstream_eof() {
  UpstreamConnection& up = ctx_.upstream;
  up.eof = true;
  if (paused()) {
    upstream_end_ = std::string();  // handled after the answer, behind the bytes before it
    return;
  }
  if (state_ == State::kAwaitHead) {
    // The tunnel's idle origin connection closed: the next request reconnects.
    ctx_.release_upstream(false);
    return;
  }
  if (state_ != State::kRequest || !exchange_) return;
  if (!up.connected && up.open && up.pipe.has_tls()) {
    upstream_gone("the origin closed the connection during the TLS handshake");
  } else if (origin_side_.expecting_response()) {
    http::CodecInput in = origin_side_.finish();
    const bool ends = std::any_of(in.events.begin(), in.events.end(),
                                  [](const http::StreamEvent& e) { return std::holds_alternative<http::EndEvent>(e); });
    if (ends && (exchange_->response_head_sent || exchange_->response_held)) {
      handle_response_input(std::move(in), {});
    } else {
      upstream_gone(exchange_->response_bytes == 0 ? "upstream closed the connection without responding"
                                                   : "upstream closed the connection mid-response");
    }
  }
}

void Http1Layer::upstream_error(std::string_view message) {
  ctx_.upstream.eof = true;
  if (paused()) {
    upstream_end_ = message.empty() ? std::string("error") : std::string(message);
    return;
  }
  if (state_ == State::kRequest && exchange_) {
    upstream_gone("upstream connection error: " + std::string(message));
    return;
  }
  if (state_ == State::kAwaitHead) ctx_.release_upstream(false);
}

// --------------------------------------------------------------------- timers

void Http1Layer::timer(TimerKind kind) {
  switch (kind) {
    case TimerKind::kIdle:
      if (state_ == State::kAwaitHead && client_buf_.empty()) ctx_.close_all();
      return;
    case TimerKind::kHeader:
      if (state_ == State::kAwaitHead) {
        ctx_.header_timer_running = false;
        answer_error(408, "request head not received within " + std::to_string(ctx_.config.header_timeout_ms) + " ms");
      }
      return;
    case TimerKind::kResponse:
      if (state_ == State::kRequest && exchange_ && !exchange_->response_head_sent && !paused()) {
        ctx_.release_upstream(false);
        answer_error(504, "no response from upstream within " + std::to_string(ctx_.config.response_timeout_ms) + " ms");
      }
      return;
    case TimerKind::kHook:
      // Nobody answered the breakpoint: the exchange goes on unchanged.
      if (paused()) hook_resumed(HookResumed{exchange_->stream.pause_id(), HookAnswer::proceed(), std::nullopt});
      return;
  }
}

void Http1Layer::abort(std::string_view reason) {
  record_flow(std::string(reason));
  ctx_.release_upstream(false);
  ctx_.close_all();
}

void Http1Layer::shutdown() {
  ctx_.draining = true;
  if (state_ == State::kAwaitHead && client_buf_.empty()) ctx_.close_all();
}

// ------------------------------------------------------------------- handovers

void Http1Layer::hand_over_to_tunnel() {
  state_ = State::kHandedOver;
  ctx_.switch_to(std::make_unique<TunnelSetup>(ctx_, std::move(*exchange_), std::exchange(client_buf_, {})));
  exchange_.reset();
}

void Http1Layer::hand_over_to_relay(std::string_view upstream_leftover) {
  state_ = State::kHandedOver;
  origin_side_.done();
  Exchange& ex = *exchange_;
  if (is_websocket_upgrade(ex.request.headers, ex.flow().response->headers)) {
    ctx_.switch_to(std::make_unique<WebSocketLayer>(ctx_, std::move(ex), std::string(upstream_leftover),
                                                    std::exchange(client_buf_, {})));
  } else {
    ctx_.switch_to(std::make_unique<Relay>(ctx_, std::move(ex), std::string(upstream_leftover),
                                           std::exchange(client_buf_, {})));
  }
  exchange_.reset();
}

// -------------------------------------------------------------------- answers

// An answer a hook gave (the CA page, map-local): recorded, and the connection stays.
void Http1Layer::answer_locally(const LocalResponse& answer) {
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
  ex.close_client_after = !client_side_.client_wants_keep_alive() || !ex.request_complete;
  if (ex.close_client_after) head.headers.add("Connection", "close");
  std::string bytes = http::serialize(head);
  if (ex.request.method != "HEAD") bytes += answer.body;  // RFC 9110 §9.3.2: no body for HEAD
  ctx_.send_client(std::move(bytes));
  record_flow();
  // An Upgrade the hook answered instead is declined: HTTP goes on.
  client_side_.resume_after_declined_upgrade();
  after_exchange();
}

}  // namespace flowscope::proxy
