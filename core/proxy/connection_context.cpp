#include "core/proxy/connection_context.hpp"

#include <utility>

namespace flowscope::proxy {

ConnectionContext::ConnectionContext(const Config& config, ConnectPolicy& policy, const Interception* interception,
                                     const Clock& clock, std::vector<Command>& out, StreamContext& streams)
    : config(config),
      policy(policy),
      interception(interception),
      clock(clock),
      out(out),
      streams(streams),
      client(out, kClientConnection),
      upstream(out) {}

void ConnectionContext::new_exchange(std::optional<Exchange>& slot) {
  slot.emplace(streams, std::to_string(connection_id) + "-" + std::to_string(++flow_seq), connection_id,
               client_address);
  slot->flow().replay_of = replay_of;
}

void ConnectionContext::send_upstream(std::string bytes) {
  if (bytes.empty()) return;
  if (!upstream.connected) {
    upstream.pending.append(bytes);
    return;
  }
  upstream.pipe.send(std::move(bytes));
}

void ConnectionContext::flush_upstream_pending() {
  if (upstream.pending.empty()) return;
  upstream.pipe.send(std::exchange(upstream.pending, {}));
}

void ConnectionContext::open_upstream(std::string host, std::uint16_t port, bool allow_pooled) {
  upstream.pipe.reset(++last_connection_id);
  upstream.open = true;
  upstream.connected = upstream.eof = false;
  emit(OpenConnection{upstream.id(), std::move(host), port, allow_pooled});
}

void ConnectionContext::release_upstream(bool reusable) {
  if (upstream.open) emit(CloseConnection{upstream.id(), reusable && !upstream.pipe.has_tls()});
  upstream_dropped();
}

void ConnectionContext::upstream_dropped() {
  upstream.pipe.reset(0);
  upstream.open = upstream.connected = upstream.kept = false;
  upstream.pending.clear();
}

void ConnectionContext::close_all() {
  if (closed) return;
  client.close_notify();
  closed = true;
  emit(CloseConnection{kClientConnection, false});
}

void ConnectionContext::start_header_timer() {
  if (header_timer_running) return;
  emit(StopTimer{TimerKind::kIdle});
  emit(StartTimer{TimerKind::kHeader, config.header_timeout_ms});
  header_timer_running = true;
}

void ConnectionContext::stop_header_timer() {
  emit(StopTimer{TimerKind::kHeader});
  header_timer_running = false;
}

}  // namespace flowscope::proxy
