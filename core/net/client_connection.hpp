#pragma once
// The driver of one proxy::Session: turns libuv events into session events and the
// session's commands into socket work, and applies backpressure between the two
// sides (stop reading one side while the other's write queue is above kHighWater,
// resume below half of it).
//
// Lifetime: created on accept, deleted by itself when every handle it owns has
// been closed. Callbacks after close() find closing_ set and do nothing.
#include <uv.h>

#include <array>
#include <optional>
#include <string>

#include "core/net/upstream.hpp"
#include "core/proxy/session.hpp"

namespace flowscope::net {

class Worker;

class ClientConnection : public UpstreamListener {
 public:
  static constexpr std::size_t kHighWater = 256 * 1024;
  static constexpr std::size_t kLowWater = kHighWater / 2;
  static constexpr std::uint64_t kLingerMs = 2000;

  static void accept(Worker& worker, uv_stream_t* server);
  void shutdown();     // graceful: the session finishes what is in flight
  void force_close();  // the grace period is over

  void on_upstream_connected(Upstream& upstream, const proxy::UpstreamInfo& info) override;
  void on_upstream_failed(Upstream& upstream, const proxy::UpstreamFailure& failure) override;
  void on_upstream_data(Upstream& upstream, std::string_view data) override;
  void on_upstream_eof(Upstream& upstream) override;
  void on_upstream_error(Upstream& upstream, std::string_view message) override;
  void on_upstream_drained(Upstream& upstream) override;

 private:
  explicit ClientConnection(Worker& worker);
  ~ClientConnection() override;

  void run_commands();
  void execute(proxy::Command& command);
  void open_upstream(const proxy::OpenConnection& open);
  void release_upstream(bool reusable);
  void write_client(std::vector<std::string> pieces);
  // Sends what execute() gathered; called before anything that depends on order.
  void flush_writes();
  void begin_close();
  void start_client_shutdown();
  void close_handles();
  void update_flow_control();
  void release_ref();

  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void on_write(uv_write_t* req, int status);
  static void on_shutdown_done(uv_shutdown_t* req, int status);
  static void on_timer(uv_timer_t* timer);
  static void on_linger_expired(uv_timer_t* timer);

  Worker& worker_;
  std::optional<proxy::Session> session_;  // built once the peer address is known
  uv_tcp_t tcp_{};
  std::array<uv_timer_t, 3> timers_{};  // indexed by proxy::TimerKind
  uv_timer_t linger_{};
  uv_shutdown_t shutdown_req_{};
  Upstream* upstream_ = nullptr;
  proxy::ConnectionId upstream_id_ = 0;  // the session's id for upstream_
  std::vector<std::string> client_out_;    // gathered SendBytes, one writev per batch
  std::vector<std::string> upstream_out_;

  bool reading_ = false;
  bool client_eof_ = false;
  bool client_shut_down_ = false;
  bool shutdown_in_flight_ = false;
  bool closing_ = false;       // the session is over; lingering until the client is done
  bool handles_closed_ = false;
  bool client_paused_by_upstream_ = false;
  bool upstream_paused_by_client_ = false;
  int refs_ = 0;
};

}  // namespace flowscope::net
