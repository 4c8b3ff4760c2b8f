#include "core/proxy/websocket_layer.hpp"

#include <utility>

namespace flowscope::proxy {

namespace {

flow::WebSocket& new_record(Exchange& exchange) { return exchange.flow().websocket.emplace(); }

}  // namespace

bool is_websocket_upgrade(const http::Headers& request, const http::Headers& response) {
  return request.has_token("Upgrade", "websocket") && response.has_token("Upgrade", "websocket");
}

WebSocketLayer::WebSocketLayer(ConnectionContext& ctx, Exchange exchange, std::string from_upstream,
                               std::string from_client)
    : Relay(ctx, std::move(exchange), std::move(from_upstream), std::move(from_client)),
      recorder_(new_record(exchange_), exchange_.flow().response->headers,
                ws::RecorderLimits{ctx.config.body_limit, ctx.config.ws_message_limit, ctx.config.ws_payload_limit}) {}

void WebSocketLayer::client_data(std::string_view plaintext) {
  if (!finished()) record(ws::Direction::kClientToServer, plaintext);
  Relay::client_data(plaintext);
}

void WebSocketLayer::upstream_data(std::string_view plaintext) {
  if (!finished()) record(ws::Direction::kServerToClient, plaintext);
  Relay::upstream_data(plaintext);
}

void WebSocketLayer::record(ws::Direction from, std::string_view bytes) {
  recorder_.feed(from, bytes, ctx_.clock.wall_us());
  announce_new_messages();
}

void WebSocketLayer::before_finish(std::string_view error) {
  const std::string why = error.empty() ? "the connection closed mid-message" : std::string(error);
  recorder_.end(ws::Direction::kClientToServer, why);
  recorder_.end(ws::Direction::kServerToClient, why);
  announce_new_messages();
}

void WebSocketLayer::announce_new_messages() {
  const flow::WebSocket& record = *exchange_.flow().websocket;
  if (record.messages.size() == announced_messages_ && record.messages_dropped == announced_dropped_ &&
      record.close.has_value() == announced_close_) {
    return;
  }
  exchange_.stream.websocket_progress(announced_messages_);
  announced_messages_ = record.messages.size();
  announced_dropped_ = record.messages_dropped;
  announced_close_ = record.close.has_value();
}

}  // namespace flowscope::proxy
