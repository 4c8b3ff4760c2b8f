#pragma once
// proxy::ConnectionContext: what every layer of one client connection shares: the
// configuration, the two byte paths (the client's Pipe and the upstream connection
// in use), the command list, and the few facts that outlive a layer (the client
// sent EOF, the proxy is draining). Layers act on the connection only through it.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/proxy/clock.hpp"
#include "core/proxy/commands.hpp"
#include "core/proxy/config.hpp"
#include "core/proxy/connect_policy.hpp"
#include "core/proxy/exchange.hpp"
#include "core/proxy/http_stream.hpp"
#include "core/proxy/interception.hpp"
#include "core/proxy/layer.hpp"
#include "core/proxy/pipe.hpp"

namespace flowscope::proxy {

// The one upstream connection a layer uses at a time. Ids are never reused, so an
// event from a connection already let go is recognised (Session ignores it).
struct UpstreamConnection {
  explicit UpstreamConnection(std::vector<Command>& out) : pipe(out, 0) {}
  ConnectionId id() const { return pipe.id(); }

  Pipe pipe;
  bool open = false;       // an OpenConnection is outstanding or connected
  bool connected = false;  // ready for bytes (after its TLS handshake, if any)
  bool eof = false;
  bool kept = false;        // it served an earlier exchange of this connection
  std::string pending;      // plaintext for it while it connects
};

struct ConnectionContext {
  ConnectionContext(const Config& config, ConnectPolicy& policy, const Interception* interception, const Clock& clock,
                    std::vector<Command>& out, StreamContext& streams);

  void emit(Command command) { out.push_back(std::move(command)); }
  std::int64_t now() const { return clock.monotonic_us(); }

  // A new exchange (its flow numbered on this connection) in `slot`.
  void new_exchange(std::optional<Exchange>& slot);

  void send_client(std::string bytes) { client.send(std::move(bytes)); }
  // Queued while the upstream connects, then sent through its pipe.
  void send_upstream(std::string bytes);
  void flush_upstream_pending();
  void open_upstream(std::string host, std::uint16_t port, bool allow_pooled);
  // Done with the upstream connection: back to the pool when reusable (and no TLS
  // state of ours is on it), else closed.
  void release_upstream(bool reusable);
  // The driver closed a connection whose OpenConnection failed.
  void upstream_dropped();
  // The session ends: close_notify to the client, then every connection closes.
  void close_all();

  // Hand the connection to `layer` once the current event is handled.
  void switch_to(std::unique_ptr<Layer> layer) { next = std::move(layer); }

  void start_header_timer();
  void stop_header_timer();

  const Config& config;
  ConnectPolicy& policy;
  const Interception* interception;
  const Clock& clock;
  std::vector<Command>& out;
  StreamContext& streams;

  std::uint64_t connection_id = 0;
  std::string client_address;
  std::string client_ip;  // without the port: passthrough is per client
  std::string replay_of;  // set on a replay: its flows carry it
  bool replay_https = false;

  Pipe client;
  UpstreamConnection upstream;
  ConnectionId last_connection_id = kClientConnection;
  bool client_eof = false;
  bool draining = false;
  bool header_timer_running = false;
  bool closed = false;
  std::uint64_t flow_seq = 0;
  std::unique_ptr<Layer> next;
  // Keeps the minted leaf of the client's intercepted TLS alive as long as its endpoint.
  std::shared_ptr<const void> leaf_owner;
};

}  // namespace flowscope::proxy
