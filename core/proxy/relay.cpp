#include "core/proxy/relay.hpp"

#include <utility>

namespace flowscope::proxy {

Relay::Relay(ConnectionContext& ctx, Exchange exchange, std::string from_upstream, std::string from_client)
    : ctx_(ctx),
      exchange_(std::move(exchange)),
      from_upstream_(std::move(from_upstream)),
      from_client_(std::move(from_client)) {}

void Relay::start() {
  if (!exchange_.stream.is_connected()) exchange_.stream.connected();
  // A blind CONNECT tunnel shows live from here (an intercepted one is no flow, and
  // an upgraded exchange was announced with its request).
  if (exchange_.flow().scheme == "tunnel") exchange_.stream.announce();
  if (!exchange_.flow().tunnel) exchange_.flow().tunnel = flow::Tunnel{};
  if (const auto& response = exchange_.flow().response; response && response->status == 101) {
    if (const std::string* upgrade = response->headers.find("Upgrade")) exchange_.flow().tunnel->protocol = *upgrade;
  }
  ctx_.emit(StopTimer{TimerKind::kResponse});
  if (!from_upstream_.empty()) upstream_data(std::exchange(from_upstream_, {}));
  if (!from_client_.empty()) client_data(std::exchange(from_client_, {}));
  if (ctx_.client_eof) side_closed(true);
}

void Relay::client_data(std::string_view plaintext) {
  if (plaintext.empty() || finished_) return;
  exchange_.flow().tunnel->bytes_from_client += plaintext.size();
  ctx_.send_upstream(std::string(plaintext));
}

void Relay::upstream_data(std::string_view plaintext) {
  if (plaintext.empty() || finished_) return;
  exchange_.flow().tunnel->bytes_from_server += plaintext.size();
  ctx_.send_client(std::string(plaintext));
}

void Relay::upstream_eof() {
  ctx_.upstream.eof = true;
  side_closed(false);
}

void Relay::side_closed(bool client) {
  if (finished_) return;
  if (!client) {
    ctx_.emit(ShutdownWrite{kClientConnection});
  } else if (ctx_.upstream.id() != 0) {
    ctx_.emit(ShutdownWrite{ctx_.upstream.id()});
  }
  if (ctx_.client_eof && ctx_.upstream.eof) finish({});
}

void Relay::client_tls_failed(bool tls_to_proxy, const std::string& error) {
  finish(tls_to_proxy ? error : "TLS error from the client: " + error);
}

void Relay::client_error(std::string_view message) { finish("client connection error: " + std::string(message)); }

void Relay::upstream_tls_failed(const std::string& error) { finish("TLS with the origin failed: " + error); }

void Relay::upstream_error(std::string_view message) {
  ctx_.upstream.eof = true;
  finish("upstream connection error: " + std::string(message));
}

void Relay::finish(std::string_view error) {
  if (finished_) return;
  finished_ = true;
  before_finish(error);
  exchange_.flow().tunnel->duration_ms = elapsed_ms(exchange_.stream.started_us(), ctx_.now());
  exchange_.stream.finish(std::string(error));
  ctx_.release_upstream(false);
  ctx_.close_all();
}

}  // namespace flowscope::proxy
