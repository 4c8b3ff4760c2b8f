#pragma once
// proxy::WebSocketLayer: the connection after a 101 to `Upgrade: websocket`
// (RFC 6455 over RFC 9110 §7.8). It is the Relay, bytes forwarded unmodified and
// streamed both ways, with a ws::Recorder reading a copy of each direction into the
// flow's WebSocket record, and live events as messages pass, so a viewer shows a
// socket that is still open. The flow is recorded when the relay ends: both sides
// closed, an error, or the proxy stopping.
#include <cstddef>
#include <string>
#include <string_view>

#include "core/proxy/relay.hpp"
#include "core/ws/recorder.hpp"

namespace flowscope::proxy {

class WebSocketLayer final : public Relay {
 public:
  WebSocketLayer(ConnectionContext& ctx, Exchange exchange, std::string from_upstream, std::string from_client);

  void client_data(std::string_view plaintext) override;
  void upstream_data(std::string_view plaintext) override;

 private:
  void before_finish(std::string_view error) override;
  void record(ws::Direction from, std::string_view bytes);
  void announce_new_messages();

  ws::Recorder recorder_;
  // What live events have reported so far.
  std::size_t announced_messages_ = 0;
  std::uint64_t announced_dropped_ = 0;
  bool announced_close_ = false;
};

// The 101 answered an `Upgrade: websocket` request with `Upgrade: websocket`.
bool is_websocket_upgrade(const http::Headers& request, const http::Headers& response);

}  // namespace flowscope::proxy
