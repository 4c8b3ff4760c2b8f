#pragma once
// proxy::Session: one client connection as a stack of sans-io layers.
//
// The driver feeds it events (bytes, EOFs, connects, timers) and executes the
// commands it returns. It never touches a socket, so tests drive it byte by byte.
//
//   client Pipe:    socket ─ [ProxyTls endpoint] ─ [intercepted TLS endpoint] ─┐
//   upstream Pipe:  socket ─ [origin TLS endpoint] ───────────────────────────┤ plaintext
//   top layer:      Http1Layer(ProxyFront) → TunnelSetup → Http1Layer(TunnelRoute) or Relay
//                   Http1Layer → Relay after a 101
//
// The session decrypts through the Pipes and hands plaintext and the other events
// to the top layer; a layer hands over to the next (ConnectionContext::switch_to),
// and the session makes the switch once the layer returns. Events from an upstream
// connection the session already let go are ignored.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/proxy/clock.hpp"
#include "core/proxy/commands.hpp"
#include "core/proxy/config.hpp"
#include "core/proxy/connect_policy.hpp"
#include "core/proxy/connection_context.hpp"
#include "core/proxy/events.hpp"
#include "core/proxy/hooks.hpp"
#include "core/proxy/http1_layer.hpp"
#include "core/proxy/http_stream.hpp"
#include "core/proxy/interception.hpp"
#include "core/proxy/layer.hpp"
#include "core/proxy/proxy_tls.hpp"

namespace flowscope::proxy {

struct SessionOptions {
  Hook* hook = nullptr;      // asked at every hook point; none: every exchange goes on
  PauseChannel* pauses = nullptr;  // hands out pause handles; none: a pause counts as continue
  bool live_events = false;  // emit LiveFlow commands (some sink asked for them)
  // A replay (replay_request.hpp): the flows it records carry this id as replay_of.
  std::string replay_of;
  // The replayed request goes to an https origin: after CONNECT the session gets
  // plaintext and originates TLS to the origin itself, with no client TLS.
  bool replay_https = false;
  // The IP the client connected to (the driver asks the socket). When a client that
  // speaks TLS to the proxy itself sends no usable SNI (curl sends none for an IP),
  // its leaf names this address: with --listen 0.0.0.0 or [::] the listen address
  // is no address a client can dial. Empty: the listen address.
  std::string local_ip;
};

class Session {
 public:
  static constexpr std::size_t kHighWater = Http1Layer::kHighWater;

  Session(const Config& config, ConnectPolicy& policy, const Interception* interception, Clock clock,
          std::uint64_t connection_id, std::string client_address, SessionOptions options = {});

  // Feed one event; take_commands() then returns what it asked for, in order.
  void handle(const Event& event);

  std::vector<Command> take_commands() { return std::move(commands_); }
  bool wants_client_reads() const { return !ctx_.closed && layer_->wants_client_reads(); }
  bool wants_upstream_reads() const { return !ctx_.closed && layer_->wants_upstream_reads(); }
  bool closed() const { return ctx_.closed; }

 private:
  void on_client_data(std::string_view bytes);
  void client_plaintext(std::string_view plaintext);
  void on_client_eof();
  void on_upstream_data(std::string_view bytes);
  void on_upstream_eof();
  // Takes the layer a handover asked for; the old one lives until handle() returns.
  void switch_layers();

  std::vector<Command> commands_;
  Clock clock_;
  StreamContext streams_;  // after commands_ and clock_, which it refers to
  ConnectionContext ctx_;
  bool client_spoke_ = false;          // the first client bytes decide about ProxyTls
  std::optional<ProxyTls> proxy_tls_;  // the client speaks TLS to the proxy itself
  bool proxy_tls_ready_ = false;       // its endpoint is on the client Pipe
  std::string local_ip_;               // SessionOptions::local_ip
  std::unique_ptr<Layer> layer_;
  std::vector<std::unique_ptr<Layer>> retired_;  // layers that handed over during this event
};

}  // namespace flowscope::proxy
