#include "core/net/client_connection.hpp"

#include <type_traits>
#include <utility>

#include "core/net/uv_util.hpp"
#include "core/net/worker.hpp"

namespace flowscope::net {

namespace {
ClientConnection* self(void* data) { return static_cast<ClientConnection*>(data); }
uv_handle_t* handle(void* h) { return reinterpret_cast<uv_handle_t*>(h); }
template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
}  // namespace

ClientConnection::ClientConnection(Worker& worker)
    : worker_(worker), client_(TcpStream::open(worker.loop(), this)) {
  for (auto& timer : timers_) {
    uv_timer_init(worker_.loop(), &timer);
    timer.data = this;
  }
  uv_timer_init(worker_.loop(), &linger_);
  linger_.data = this;
  refs_ = 1 + static_cast<int>(timers_.size());  // one per timer, released by its close callback
  worker_.add(this);
}

ClientConnection::~ClientConnection() { worker_.remove(this); }

void ClientConnection::accept(Worker& worker, uv_stream_t* server) {
  auto* c = new ClientConnection(worker);
  if (c->client_->accept(server) != 0) {
    c->closing_ = true;
    c->close_handles();
    return;
  }
  c->session_.emplace(worker.config(), worker.policy(), worker.interception(), proxy::Clock::system(),
                      worker.next_connection_id(), c->client_->peer_address());
  c->session_->on_start();
  c->run_commands();
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
            (send.to == proxy::Side::kClient ? client_out_ : upstream_out_).push_back(std::move(send.bytes));
          },
          [&](proxy::OpenUpstream& open) {
            flush_writes();
            open_upstream(open);
          },
          [&](proxy::ReleaseUpstream& release) {
            flush_writes();
            release_upstream(release.reusable);
          },
          [&](proxy::ShutdownWrite& shut) {
            flush_writes();
            if (shut.side == proxy::Side::kUpstream) {
              if (upstream_ != nullptr) upstream_->shutdown_write();
            } else if (client_ && !client_->write_shut() && !closing_) {
              start_client_shutdown();
            }
          },
          [&](proxy::CloseConnection&) {
            flush_writes();
            begin_close();
          },
          [&](proxy::StartTimer& start) {
            uv_timer_start(&timers_[static_cast<std::size_t>(start.kind)], &ClientConnection::on_timer, start.ms, 0);
          },
          [&](proxy::StopTimer& stop) { uv_timer_stop(&timers_[static_cast<std::size_t>(stop.kind)]); },
          [&](proxy::RecordFlow& record) { worker_.sink().on_flow(record.flow); },
      },
      command);
}

void ClientConnection::open_upstream(const proxy::OpenUpstream& open) {
  if (upstream_ != nullptr) release_upstream(false);
  if (open.allow_pooled) {
    if (Upstream* pooled = worker_.pool().take(open.host, open.port)) {
      upstream_ = pooled;
      upstream_->set_listener(this);
      proxy::UpstreamInfo info;
      info.server_address = pooled->server_address();
      info.reused = true;
      session_->on_upstream_connected(info);
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
    session_->on_client_error(uv_message(status));
    run_commands();
  }
}

// ----------------------------------------------------------------- reading

void ClientConnection::on_stream_data(std::string_view data) {
  // Lingering: discard what the client still sends until it closes, so that
  // closing does not turn into a reset that destroys our last response.
  if (closing_) return;
  session_->on_client_data(data);
  run_commands();
}

void ClientConnection::on_stream_end(int status) {
  if (closing_) {
    if (!client_->shutdown_pending()) close_handles();  // else on_stream_shutdown closes
    return;
  }
  if (status == UV_EOF) {
    session_->on_client_eof();
  } else {
    session_->on_client_error(uv_message(status));
  }
  run_commands();
}

void ClientConnection::update_flow_control() {
  if (closing_ || handles_closed_) return;
  const std::size_t client_queue = client_->write_queue_size();
  const std::size_t upstream_queue = upstream_ != nullptr ? upstream_->write_queue_size() : 0;

  if (upstream_queue > kHighWater) client_paused_by_upstream_ = true;
  if (upstream_queue < kLowWater) client_paused_by_upstream_ = false;
  if (client_queue > kHighWater) upstream_paused_by_client_ = true;
  if (client_queue < kLowWater) upstream_paused_by_client_ = false;

  client_->set_reading(!client_paused_by_upstream_ && session_->wants_client_reads());
  if (upstream_ != nullptr) upstream_->set_reading(!upstream_paused_by_client_);
}

// ------------------------------------------------------------ upstream side

void ClientConnection::on_upstream_connected(Upstream&, const proxy::UpstreamInfo& info) {
  session_->on_upstream_connected(info);
  run_commands();
}

void ClientConnection::on_upstream_failed(Upstream&, const proxy::UpstreamFailure& failure) {
  if (upstream_ != nullptr) {
    upstream_->close();
    upstream_ = nullptr;
  }
  session_->on_upstream_failed(failure);
  run_commands();
}

void ClientConnection::on_upstream_data(Upstream&, std::string_view data) {
  session_->on_upstream_data(data);
  run_commands();
}

void ClientConnection::on_upstream_eof(Upstream&) {
  session_->on_upstream_eof();
  run_commands();
}

void ClientConnection::on_upstream_error(Upstream&, std::string_view message) {
  session_->on_upstream_error(message);
  run_commands();
}

void ClientConnection::on_upstream_drained(Upstream&) { update_flow_control(); }

// ------------------------------------------------------------------ timers

void ClientConnection::on_timer(uv_timer_t* timer) {
  ClientConnection* c = self(timer->data);
  if (c->closing_) return;
  for (std::size_t i = 0; i < c->timers_.size(); ++i) {
    if (&c->timers_[i] == timer) c->session_->on_timer(static_cast<proxy::TimerKind>(i));
  }
  c->run_commands();
}

// ----------------------------------------------------------------- closing

void ClientConnection::shutdown() {
  if (closing_ || !session_) return;
  session_->on_shutdown();
  run_commands();
}

void ClientConnection::force_close() {
  if (session_ && !closing_) {
    session_->on_abort("flowscope shut down before the exchange finished");
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
  auto on_closed = [](uv_handle_t* h) { self(h->data)->release_ref(); };
  client_.reset();  // closes the socket; the stream frees itself in its close callback
  for (auto& timer : timers_) uv_close(handle(&timer), on_closed);
  uv_close(handle(&linger_), on_closed);
}

void ClientConnection::release_ref() {
  if (--refs_ == 0) delete this;
}

}  // namespace flowscope::net
