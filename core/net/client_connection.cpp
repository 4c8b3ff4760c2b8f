#include "core/net/client_connection.hpp"

#include <type_traits>
#include <utility>

#include "core/overloaded.hpp"
#include "core/net/uv_util.hpp"
#include "core/net/worker.hpp"

namespace flowscope::net {

namespace {
ClientConnection* self(void* data) { return static_cast<ClientConnection*>(data); }
uv_handle_t* handle(void* h) { return reinterpret_cast<uv_handle_t*>(h); }
}  // namespace

ClientConnection::ClientConnection(Worker& worker, bool with_socket)
    : worker_(worker), client_(with_socket ? TcpStream::open(worker.loop(), this) : nullptr) {
  for (auto& timer : timers_) {
    uv_timer_init(worker_.loop(), &timer);
    timer.data = this;
  }
  uv_timer_init(worker_.loop(), &linger_);
  linger_.data = this;
  refs_ = 1 + static_cast<int>(timers_.size());  // one per timer, released by its close callback
  worker_.add(this);
}

ClientConnection::~ClientConnection() {
  self_ref_->connection = nullptr;  // a late resume finds nothing
  worker_.remove(this);
}

void ClientConnection::accept(Worker& worker, uv_stream_t* server) {
  auto* c = new ClientConnection(worker, /*with_socket=*/true);
  if (c->client_->accept(server) != 0) {
    c->closing_ = true;
    c->close_handles();
    return;
  }
  proxy::SessionOptions options;
  options.hook = worker.hook();
  options.pauses = c;
  options.live_events = worker.live_events();
  options.local_ip = c->client_->local_ip();
  c->session_.emplace(worker.config(), worker.policy(), worker.interception(), proxy::Clock::system(),
                      worker.next_connection_id(), c->client_->peer_address(), std::move(options));
  c->session_->handle(proxy::Started{});
  c->run_commands();
}

void ClientConnection::replay(Worker& worker, std::string client_bytes, proxy::SessionOptions options,
                              std::function<void(flow::Flow)> done) {
  auto* c = new ClientConnection(worker, /*with_socket=*/false);
  c->replay_done_ = std::move(done);
  options.hook = worker.hook();
  options.pauses = c;
  options.live_events = worker.live_events();
  c->session_.emplace(worker.config(), worker.policy(), worker.interception(), proxy::Clock::system(),
                      worker.next_connection_id(), "replay", std::move(options));
  c->session_->handle(proxy::Started{});
  c->session_->handle(proxy::DataReceived{proxy::kClientConnection, client_bytes});
  c->run_commands();
}

void ClientConnection::report_replay(flow::Flow flow) {
  if (!replay_done_) return;
  auto done = std::exchange(replay_done_, {});
  done(std::move(flow));
}

// ------------------------------------------------------------------ commands

void ClientConnection::run_commands() {
  // Executing a command may feed the session again (a pooled upstream connects
  // at once), which queues more commands: loop until none are left.
  for (auto commands = session_->take_commands(); !commands.empty(); commands = session_->take_commands()) {
    for (auto& command : commands) execute(command);
    flush_writes();
  }
  update_flow_control();
}

void ClientConnection::execute(proxy::Command& command) {
  std::visit(
      Overloaded{
          [&](proxy::SendBytes& send) {
            if (send.connection == proxy::kClientConnection) {
              client_out_.push_back(std::move(send.bytes));
            } else if (send.connection == upstream_id_) {
              upstream_out_.push_back(std::move(send.bytes));
            }
          },
          [&](proxy::OpenConnection& open) {
            flush_writes();
            open_upstream(open);
          },
          [&](proxy::ShutdownWrite& shut) {
            flush_writes();
            if (shut.connection != proxy::kClientConnection) {
              if (upstream_ != nullptr && shut.connection == upstream_id_) upstream_->shutdown_write();
            } else if (client_ && !client_->write_shut() && !closing_) {
              start_client_shutdown();
            }
          },
          [&](proxy::CloseConnection& close) {
            flush_writes();
            if (close.connection == proxy::kClientConnection) {
              begin_close();
            } else if (close.connection == upstream_id_) {
              release_upstream(close.reusable);
            }
          },
          [&](proxy::StartTimer& start) {
            uv_timer_start(&timers_[static_cast<std::size_t>(start.kind)], &ClientConnection::on_timer, start.ms, 0);
          },
          [&](proxy::StopTimer& stop) { uv_timer_stop(&timers_[static_cast<std::size_t>(stop.kind)]); },
          [&](proxy::RecordFlow& record) {
            worker_.sink().on_flow(record.flow);
            if (replay_done_) report_replay(std::move(record.flow));
          },
          [&](proxy::LiveFlow& live) { worker_.sink().on_flow_event(live.event); },
      },
      command);
}

void ClientConnection::open_upstream(const proxy::OpenConnection& open) {
  if (upstream_ != nullptr) release_upstream(false);
  upstream_id_ = open.connection;
  if (open.allow_pooled) {
    if (Upstream* pooled = worker_.pool().take(open.host, open.port)) {
      upstream_ = pooled;
      upstream_->set_listener(this);
      proxy::UpstreamInfo info;
      info.server_address = pooled->server_address();
      info.reused = true;
      session_->handle(proxy::Connected{upstream_id_, info});
      return;
    }
  }
  upstream_ = Upstream::create(worker_.loop(), open.host, open.port);
  upstream_->connect(worker_.config(), this);
}

void ClientConnection::release_upstream(bool reusable) {
  if (upstream_ == nullptr) return;
  Upstream* u = upstream_;
  upstream_ = nullptr;
  upstream_id_ = 0;
  upstream_paused_by_client_ = false;
  client_paused_by_upstream_ = false;
  if (reusable && u->connected() && u->write_queue_size() == 0) {
    worker_.pool().put(u);
  } else {
    u->close();
  }
}

void ClientConnection::flush_writes() {
  if (!client_out_.empty()) write_client(std::exchange(client_out_, {}));
  if (!upstream_out_.empty()) {
    std::vector<std::string> pieces = std::exchange(upstream_out_, {});
    if (upstream_ != nullptr) upstream_->write(std::move(pieces));
  }
}

void ClientConnection::write_client(std::vector<std::string> pieces) {
  if (!client_ || client_->write_shut()) return;
  // On failure the read side reports the broken connection.
  client_->write(std::move(pieces));
}

void ClientConnection::on_stream_written(int status) {
  if (closing_) return;
  if (status == 0) {
    update_flow_control();
  } else {
    session_->handle(proxy::ConnectionError{proxy::kClientConnection, uv_message(status)});
    run_commands();
  }
}

// ----------------------------------------------------------------- reading

void ClientConnection::on_stream_data(std::string_view data) {
  // Lingering: discard what the client still sends until it closes, so that
  // closing does not turn into a reset that destroys our last response.
  if (closing_) return;
  session_->handle(proxy::DataReceived{proxy::kClientConnection, data});
  run_commands();
}

void ClientConnection::on_stream_end(int status) {
  if (closing_) {
    if (!client_->shutdown_pending()) close_handles();  // else on_stream_shutdown closes
    return;
  }
  if (status == UV_EOF) {
    session_->handle(proxy::EofReceived{proxy::kClientConnection});
  } else {
    session_->handle(proxy::ConnectionError{proxy::kClientConnection, uv_message(status)});
  }
  run_commands();
}

void ClientConnection::update_flow_control() {
  if (closing_ || handles_closed_) return;
  const std::size_t client_queue = client_ ? client_->write_queue_size() : 0;
  const std::size_t upstream_queue = upstream_ != nullptr ? upstream_->write_queue_size() : 0;

  if (upstream_queue > kHighWater) client_paused_by_upstream_ = true;
  if (upstream_queue < kLowWater) client_paused_by_upstream_ = false;
  if (client_queue > kHighWater) upstream_paused_by_client_ = true;
  if (client_queue < kLowWater) upstream_paused_by_client_ = false;

  if (client_) client_->set_reading(!client_paused_by_upstream_ && session_->wants_client_reads());
  if (upstream_ != nullptr) upstream_->set_reading(!upstream_paused_by_client_ && session_->wants_upstream_reads());
}

// ------------------------------------------------------------ upstream side

void ClientConnection::on_upstream_connected(Upstream&, const proxy::UpstreamInfo& info) {
  session_->handle(proxy::Connected{upstream_id_, info});
  run_commands();
}

void ClientConnection::on_upstream_failed(Upstream&, const proxy::UpstreamFailure& failure) {
  const proxy::ConnectionId failed = upstream_id_;
  if (upstream_ != nullptr) {
    upstream_->close();
    upstream_ = nullptr;
    upstream_id_ = 0;
  }
  session_->handle(proxy::ConnectFailed{failed, failure});
  run_commands();
}

void ClientConnection::on_upstream_data(Upstream&, std::string_view data) {
  session_->handle(proxy::DataReceived{upstream_id_, data});
  run_commands();
}

void ClientConnection::on_upstream_eof(Upstream&) {
  session_->handle(proxy::EofReceived{upstream_id_});
  run_commands();
}

void ClientConnection::on_upstream_error(Upstream&, std::string_view message) {
  session_->handle(proxy::ConnectionError{upstream_id_, std::string(message)});
  run_commands();
}

void ClientConnection::on_upstream_drained(Upstream&) { update_flow_control(); }

// ------------------------------------------------------------------- hooks

std::shared_ptr<proxy::PausedExchange> ClientConnection::pause_handle(std::uint64_t pause_id) {
  return std::make_shared<PauseHandle>(worker_.loop_post(), self_ref_, pause_id);
}

void ClientConnection::resume_hook(std::uint64_t pause_id, proxy::HookAnswer answer,
                                   std::optional<flow::Flow> edited) {
  if (closing_ || !session_) return;
  session_->handle(proxy::HookResumed{pause_id, std::move(answer), std::move(edited)});
  run_commands();
}

// ------------------------------------------------------------------ timers

void ClientConnection::on_timer(uv_timer_t* timer) {
  ClientConnection* c = self(timer->data);
  if (c->closing_) return;
  for (std::size_t i = 0; i < c->timers_.size(); ++i) {
    if (&c->timers_[i] == timer) c->session_->handle(proxy::TimerFired{static_cast<proxy::TimerKind>(i)});
  }
  c->run_commands();
}

// ----------------------------------------------------------------- closing

void ClientConnection::shutdown() {
  if (closing_ || !session_) return;
  session_->handle(proxy::ShutdownRequested{});
  run_commands();
}

void ClientConnection::force_close() {
  if (session_ && !closing_) {
    session_->handle(proxy::Aborted{"flowscope shut down before the exchange finished"});
    run_commands();  // records the flow; the close it asks for is made hard below
  }
  release_upstream(false);
  closing_ = true;
  close_handles();
}

void ClientConnection::start_client_shutdown() { client_->shutdown_write(); }

void ClientConnection::begin_close() {
  if (closing_) return;
  closing_ = true;
  release_upstream(false);
  for (auto& timer : timers_) uv_timer_stop(&timer);
  if (!client_) {
    close_handles();  // a replay: there is no client to linger for
    return;
  }
  // Queued writes go out first (uv_shutdown waits for them), then our FIN.
  if (!client_->write_shut()) start_client_shutdown();
  if (client_->read_ended()) {
    if (!client_->shutdown_pending()) close_handles();
    return;  // otherwise on_stream_shutdown closes
  }
  // Linger: read and discard until the client closes too, so that unread request
  // bytes do not turn our close into a reset that destroys the last response.
  client_->set_reading(true);
  uv_timer_start(&linger_, &ClientConnection::on_linger_expired, kLingerMs, 0);
}

void ClientConnection::on_stream_shutdown(int status) {
  if (closing_ && (client_->read_ended() || status != 0)) close_handles();
}

void ClientConnection::on_linger_expired(uv_timer_t* timer) { self(timer->data)->close_handles(); }

void ClientConnection::close_handles() {
  if (handles_closed_) return;
  handles_closed_ = true;
  closing_ = true;
  flow::Flow unfinished;
  unfinished.error = "the replay ended without recording a flow";
  report_replay(std::move(unfinished));
  auto on_closed = [](uv_handle_t* h) { self(h->data)->release_ref(); };
  client_.reset();  // closes the socket; the stream frees itself in its close callback
  for (auto& timer : timers_) uv_close(handle(&timer), on_closed);
  uv_close(handle(&linger_), on_closed);
}

void ClientConnection::release_ref() {
  if (--refs_ == 0) delete this;
}

}  // namespace flowscope::net
