#include "core/net/client_connection.hpp"

#include <type_traits>
#include <utility>

#include "core/net/uv_util.hpp"
#include "core/net/worker.hpp"

namespace flowscope::net {

namespace {
ClientConnection* self(void* data) { return static_cast<ClientConnection*>(data); }
uv_stream_t* stream(uv_tcp_t* tcp) { return reinterpret_cast<uv_stream_t*>(tcp); }
uv_handle_t* handle(void* h) { return reinterpret_cast<uv_handle_t*>(h); }
template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
}  // namespace

ClientConnection::ClientConnection(Worker& worker) : worker_(worker) {
  uv_tcp_init(worker_.loop(), &tcp_);
  tcp_.data = this;
  for (auto& timer : timers_) {
    uv_timer_init(worker_.loop(), &timer);
    timer.data = this;
  }
  uv_timer_init(worker_.loop(), &linger_);
  linger_.data = this;
  refs_ = 2 + static_cast<int>(timers_.size());  // one per handle, released by its close callback
  worker_.add(this);
}

ClientConnection::~ClientConnection() { worker_.remove(this); }

void ClientConnection::accept(Worker& worker, uv_stream_t* server) {
  auto* c = new ClientConnection(worker);
  if (uv_accept(server, stream(&c->tcp_)) != 0) {
    c->closing_ = true;
    c->close_handles();
    return;
  }
  uv_tcp_nodelay(&c->tcp_, 1);
  c->session_.emplace(worker.config(), worker.policy(), worker.interception(), proxy::Clock::system(),
                      worker.next_connection_id(), peer_address(&c->tcp_),
                      proxy::SessionOptions{worker.hook(), worker.live_events(), {}, false});
  c->session_->handle(proxy::Started{});
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
            } else if (!client_shut_down_ && !closing_) {
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
          [&](proxy::RecordFlow& record) { worker_.sink().on_flow(record.flow); },
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
  if (handles_closed_ || client_shut_down_) return;
  // On failure the read side reports the broken connection.
  if (start_write(stream(&tcp_), std::move(pieces), this, &ClientConnection::on_write) == 0) ++refs_;
}

void ClientConnection::on_write(uv_write_t* req, int status) {
  auto* w = static_cast<WriteRequest*>(req->data);
  ClientConnection* c = self(w->owner);
  delete w;
  if (!c->closing_ && status == 0) {
    c->update_flow_control();
  } else if (!c->closing_ && status != UV_ECANCELED) {
    c->session_->handle(proxy::ConnectionError{proxy::kClientConnection, uv_message(status)});
    c->run_commands();
  }
  c->release_ref();
}

// ----------------------------------------------------------------- reading

void ClientConnection::on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  ClientConnection* c = self(s->data);
  if (c->closing_) {
    // Lingering: discard what the client still sends until it closes, so that
    // closing does not turn into a reset that destroys our last response.
    if (nread < 0) {
      c->client_eof_ = true;
      if (!c->shutdown_in_flight_) c->close_handles();
    }
    return;
  }
  if (nread > 0) {
    c->session_->handle(
        proxy::DataReceived{proxy::kClientConnection, std::string_view(buf->base, static_cast<std::size_t>(nread))});
  } else if (nread == UV_EOF) {
    c->client_eof_ = true;
    uv_read_stop(s);
    c->reading_ = false;
    c->session_->handle(proxy::EofReceived{proxy::kClientConnection});
  } else if (nread < 0) {
    c->client_eof_ = true;
    uv_read_stop(s);
    c->reading_ = false;
    c->session_->handle(proxy::ConnectionError{proxy::kClientConnection, uv_message(static_cast<int>(nread))});
  }
  c->run_commands();
}

void ClientConnection::update_flow_control() {
  if (closing_ || handles_closed_) return;
  const std::size_t client_queue = uv_stream_get_write_queue_size(stream(&tcp_));
  const std::size_t upstream_queue = upstream_ != nullptr ? upstream_->write_queue_size() : 0;

  if (upstream_queue > kHighWater) client_paused_by_upstream_ = true;
  if (upstream_queue < kLowWater) client_paused_by_upstream_ = false;
  if (client_queue > kHighWater) upstream_paused_by_client_ = true;
  if (client_queue < kLowWater) upstream_paused_by_client_ = false;

  const bool want_client = !client_eof_ && !client_paused_by_upstream_ && session_->wants_client_reads();
  if (want_client != reading_) {
    reading_ = want_client;
    if (want_client) {
      uv_read_start(stream(&tcp_), &alloc_read_buffer, &ClientConnection::on_read);
    } else {
      uv_read_stop(stream(&tcp_));
    }
  }
  if (upstream_ != nullptr) upstream_->set_reading(!upstream_paused_by_client_);
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

void ClientConnection::start_client_shutdown() {
  client_shut_down_ = true;
  shutdown_req_.data = this;
  if (uv_shutdown(&shutdown_req_, stream(&tcp_), &ClientConnection::on_shutdown_done) == 0) {
    shutdown_in_flight_ = true;
    ++refs_;
  }
}

void ClientConnection::begin_close() {
  if (closing_) return;
  closing_ = true;
  release_upstream(false);
  for (auto& timer : timers_) uv_timer_stop(&timer);
  // Queued writes go out first (uv_shutdown waits for them), then our FIN.
  if (!client_shut_down_) start_client_shutdown();
  if (client_eof_) {
    if (!shutdown_in_flight_) close_handles();
    return;  // otherwise on_shutdown_done closes
  }
  // Linger: read and discard until the client closes too, so that unread request
  // bytes do not turn our close into a reset that destroys the last response.
  if (!reading_) uv_read_start(stream(&tcp_), &alloc_read_buffer, &ClientConnection::on_read);
  reading_ = true;
  uv_timer_start(&linger_, &ClientConnection::on_linger_expired, kLingerMs, 0);
}

void ClientConnection::on_shutdown_done(uv_shutdown_t* req, int status) {
  ClientConnection* c = self(req->data);
  c->shutdown_in_flight_ = false;
  if (c->closing_ && (c->client_eof_ || status != 0)) c->close_handles();
  c->release_ref();
}

void ClientConnection::on_linger_expired(uv_timer_t* timer) { self(timer->data)->close_handles(); }

void ClientConnection::close_handles() {
  if (handles_closed_) return;
  handles_closed_ = true;
  closing_ = true;
  auto on_closed = [](uv_handle_t* h) { self(h->data)->release_ref(); };
  uv_close(handle(&tcp_), on_closed);
  for (auto& timer : timers_) uv_close(handle(&timer), on_closed);
  uv_close(handle(&linger_), on_closed);
}

void ClientConnection::release_ref() {
  if (--refs_ == 0) delete this;
}

}  // namespace flowscope::net
