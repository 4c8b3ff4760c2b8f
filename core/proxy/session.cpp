#include "core/proxy/session.hpp"

#include <utility>

#include "core/overloaded.hpp"
#include "core/proxy/proxy_front.hpp"

namespace flowscope::proxy {

namespace {

// "127.0.0.1:5000" → "127.0.0.1", "[::1]:5000" → "::1".
std::string ip_of(const std::string& address) {
  std::string ip = address.substr(0, address.rfind(':'));
  if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
  return ip;
}

}  // namespace

Session::Session(const Config& config, ConnectPolicy& policy, const Interception* interception, Clock clock,
                 std::uint64_t connection_id, std::string client_address, SessionOptions options)
    : clock_(std::move(clock)),
      streams_{config, clock_, options.hook, options.live_events, commands_, options.pauses, 0},
      ctx_(config, policy, interception, clock_, commands_, streams_) {
  ctx_.connection_id = connection_id;
  ctx_.client_address = std::move(client_address);
  ctx_.client_ip = ip_of(ctx_.client_address);
  ctx_.replay_of = std::move(options.replay_of);
  ctx_.replay_https = options.replay_https;
  local_ip_ = std::move(options.local_ip);
  const bool check_credentials = ctx_.replay_of.empty();
  layer_ = std::make_unique<Http1Layer>(ctx_, std::make_unique<ProxyFront>(config, check_credentials));
}

void Session::switch_layers() {
  while (ctx_.next && !ctx_.closed) {
    retired_.push_back(std::move(layer_));
    layer_ = std::move(ctx_.next);
    layer_->start();
  }
  ctx_.next.reset();
}

void Session::handle(const Event& event) {
  if (ctx_.closed) return;
  // Events from an upstream connection this session already let go (a late read
  // from a released connection) are not about anything it still does.
  auto current = [this](ConnectionId id) { return id != kClientConnection && id == ctx_.upstream.id(); };
  std::visit(Overloaded{
                 [&](const Started&) { ctx_.emit(StartTimer{TimerKind::kIdle, ctx_.config.idle_timeout_ms}); },
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
                     layer_->client_error(e.message);
                   } else if (current(e.connection)) {
                     layer_->upstream_error(e.message);
                   }
                 },
                 [&](const Connected& e) {
                   if (current(e.connection)) layer_->upstream_connected(e.info);
                 },
                 [&](const ConnectFailed& e) {
                   if (current(e.connection)) layer_->upstream_failed(e.failure);
                 },
                 [&](const TimerFired& e) { layer_->timer(e.kind); },
                 [&](const ShutdownRequested&) { layer_->shutdown(); },
                 [&](const HookResumed& e) { layer_->hook_resumed(e); },
                 [&](const Aborted& e) { layer_->abort(e.reason); },
             },
             event);
  switch_layers();
  retired_.clear();
}

// ---------------------------------------------------------------- client side

void Session::on_client_data(std::string_view bytes) {
  if (!client_spoke_) {
    client_spoke_ = true;
    if (ctx_.interception != nullptr && ctx_.replay_of.empty() && ProxyTls::starts_tls(bytes)) {
      proxy_tls_.emplace(*ctx_.interception, local_ip_.empty() ? ctx_.config.listen_host : local_ip_);
      // The handshake is part of the request head's time: a client that stalls in it
      // gets the header timeout, not an open connection forever.
      ctx_.start_header_timer();
    }
  }
  if (proxy_tls_ && !proxy_tls_ready_) {
    switch (proxy_tls_->feed(bytes)) {
      case ProxyTls::Status::kNeedMore:
        return;
      case ProxyTls::Status::kFailed:
        layer_->client_tls_failed(true, proxy_tls_->error());
        return;
      case ProxyTls::Status::kReady:
        proxy_tls_ready_ = true;
        ctx_.client.push_tls(proxy_tls_->take_endpoint());
        client_plaintext(ctx_.client.receive(proxy_tls_->take_hello()));
        return;
    }
  }
  if (!ctx_.client.has_tls()) {
    client_plaintext(bytes);  // no copy on the plain path
    return;
  }
  client_plaintext(ctx_.client.receive(bytes));
}

// What came out of the client's Pipe: its failure, the plaintext, and a close_notify.
void Session::client_plaintext(std::string_view plaintext) {
  Pipe& pipe = ctx_.client;
  const bool proxy_tls_failed = proxy_tls_ready_ && pipe.failed() && pipe.failed_level() == 0;
  if (proxy_tls_failed) {
    layer_->client_tls_failed(true, "TLS to the proxy failed: " + pipe.error());
    return;
  }
  if (proxy_tls_ready_ && ctx_.header_timer_running && layer_->idle() && plaintext.empty() && pipe.depth() == 1 &&
      pipe.top()->state() == tls::EndpointState::kEstablished) {
    // The handshake is done and no request has started: idle, as a plain connection.
    ctx_.stop_header_timer();
    ctx_.emit(StartTimer{TimerKind::kIdle, ctx_.config.idle_timeout_ms});
  }
  if (!plaintext.empty() || pipe.has_tls()) layer_->client_data(plaintext);
  switch_layers();
  if (ctx_.closed) return;
  if (pipe.failed()) {
    layer_->client_tls_failed(false, pipe.error());
    return;
  }
  if (pipe.peer_closed() && !ctx_.client_eof) {
    ctx_.client_eof = true;  // close_notify: the client is done sending
    layer_->client_eof();
  }
}

void Session::on_client_eof() {
  std::string plaintext = ctx_.client.receive_eof();
  ctx_.client_eof = true;
  if (!plaintext.empty() || ctx_.client.failed()) {
    client_plaintext(plaintext);
    if (ctx_.closed || ctx_.client.failed()) return;
  }
  layer_->client_eof();
}

// -------------------------------------------------------------- upstream side

void Session::on_upstream_data(std::string_view bytes) {
  Pipe& pipe = ctx_.upstream.pipe;
  if (!pipe.has_tls()) {
    layer_->upstream_data(bytes);  // no copy on the plain path
    return;
  }
  const ConnectionId id = pipe.id();
  std::string plaintext = pipe.receive(bytes);
  if (pipe.failed()) {
    layer_->upstream_tls_failed(pipe.error());
    return;
  }
  layer_->upstream_data(plaintext);
  switch_layers();
  if (ctx_.closed || ctx_.upstream.id() != id) return;
  if (pipe.peer_closed() && !ctx_.upstream.eof) layer_->upstream_eof();  // close_notify
}

void Session::on_upstream_eof() {
  Pipe& pipe = ctx_.upstream.pipe;
  const ConnectionId id = pipe.id();
  if (pipe.has_tls()) {
    std::string plaintext = pipe.receive_eof();
    if (pipe.failed()) {
      layer_->upstream_tls_failed(pipe.error());
      return;
    }
    if (!plaintext.empty()) layer_->upstream_data(plaintext);
    switch_layers();
    if (ctx_.closed || ctx_.upstream.id() != id) return;
  }
  layer_->upstream_eof();
}

}  // namespace flowscope::proxy
