#pragma once
// The driver of one proxy::Session: turns libuv events into session events and the
// session's commands into socket work, and applies backpressure between the two
// sides (stop reading one side while the other's write queue is above kHighWater,
// resume below half of it).
//
// Lifetime: created on accept, deleted by itself when its timer handles have been
// closed. The client socket is a TcpStream, which frees itself and never calls back
// once closed; timer callbacks after close find closing_ set and do nothing.
#include <uv.h>

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/net/pause_handle.hpp"
#include "core/net/tcp_stream.hpp"
#include "core/net/upstream.hpp"
#include "core/proxy/session.hpp"

namespace flowscope::net {

class Worker;

class ClientConnection : public UpstreamListener, public proxy::PauseChannel, private TcpStream::Handler {
 public:
  static constexpr std::size_t kHighWater = 256 * 1024;
  static constexpr std::size_t kLowWater = kHighWater / 2;
  static constexpr std::uint64_t kLingerMs = 2000;

  static void accept(Worker& worker, uv_stream_t* server);
  // A connection with no client socket: the session is fed `client_bytes` as if a
  // client had sent them, what it answers the client is dropped, and `done` gets the
  // first flow it records (the replay) or one with the error that ended it.
  static void replay(Worker& worker, std::string client_bytes, proxy::SessionOptions options,
                     std::function<void(flow::Flow)> done);
  void shutdown();     // graceful: the session finishes what is in flight
  void force_close();  // the grace period is over

  void on_upstream_connected(Upstream& upstream, const proxy::UpstreamInfo& info) override;
  void on_upstream_failed(Upstream& upstream, const proxy::UpstreamFailure& failure) override;
  void on_upstream_data(Upstream& upstream, std::string_view data) override;
  void on_upstream_eof(Upstream& upstream) override;
  void on_upstream_error(Upstream& upstream, std::string_view message) override;
  void on_upstream_drained(Upstream& upstream) override;

  // A hook paused an exchange of this session (pause_handle.hpp).
  std::shared_ptr<proxy::PausedExchange> pause_handle(std::uint64_t pause_id) override;
  // On the loop thread, from a PauseHandle.
  void resume_hook(std::uint64_t pause_id, proxy::HookAnswer answer, std::optional<flow::Flow> edited);

 private:
  // The client socket.
  void on_stream_data(std::string_view data) override;
  void on_stream_end(int status) override;
  void on_stream_written(int status) override;
  void on_stream_shutdown(int status) override;

  ClientConnection(Worker& worker, bool with_socket);
  void report_replay(flow::Flow flow);
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

  static void on_timer(uv_timer_t* timer);
  static void on_linger_expired(uv_timer_t* timer);

  Worker& worker_;
  std::optional<proxy::Session> session_;  // built once the peer address is known
  TcpStreamPtr client_;  // null once closed, and for a replay
  std::function<void(flow::Flow)> replay_done_;  // a replay not yet reported
  std::array<uv_timer_t, proxy::kTimerKinds> timers_{};  // indexed by proxy::TimerKind
  uv_timer_t linger_{};
  Upstream* upstream_ = nullptr;
  proxy::ConnectionId upstream_id_ = 0;  // the session's id for upstream_
  std::vector<std::string> client_out_;    // gathered SendBytes, one writev per batch
  std::vector<std::string> upstream_out_;

  bool closing_ = false;       // the session is over; lingering until the client is done
  bool handles_closed_ = false;
  bool client_paused_by_upstream_ = false;
  bool upstream_paused_by_client_ = false;
  int refs_ = 0;  // timer handles whose close callback has not run
  std::shared_ptr<ConnectionRef> self_ref_ = std::make_shared<ConnectionRef>(ConnectionRef{this});
};

}  // namespace flowscope::net
