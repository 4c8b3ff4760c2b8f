#include "core/net/worker.hpp"

#include <sys/socket.h>

#include "core/net/client_connection.hpp"
#include "core/net/uv_util.hpp"

namespace flowscope::net {

namespace {
Worker* self(void* data) { return static_cast<Worker*>(data); }
uv_handle_t* handle(void* h) { return reinterpret_cast<uv_handle_t*>(h); }
}  // namespace

Worker::Worker(const proxy::Config& config, proxy::ConnectPolicy& policy, const proxy::Interception* interception,
               proxy::Hook* hook, flow::FlowSink& sink, std::atomic<std::uint64_t>& connection_ids)
    : config_(config),
      policy_(policy),
      interception_(interception),
      hook_(hook),
      sink_(sink),
      live_events_(sink.wants_live_events()),
      connection_ids_(connection_ids) {
  uv_loop_init(&loop_);
  loop_.data = this;
  uv_async_init(&loop_, &wake_, &Worker::on_wake);
  wake_.data = this;
  uv_timer_init(&loop_, &grace_);
  grace_.data = this;
}

Worker::~Worker() {
  loop_post_->detach();
  join();
  if (!finished_) {
    // Never started: close what the constructor opened.
    if (listening_) uv_close(handle(&listener_), nullptr);
    uv_close(handle(&wake_), nullptr);
    uv_close(handle(&grace_), nullptr);
    uv_run(&loop_, UV_RUN_DEFAULT);
  }
  uv_loop_close(&loop_);
}

Result<std::uint16_t> Worker::bind(const sockaddr* address) {
  uv_tcp_init_ex(&loop_, &listener_, address->sa_family);
  listener_.data = this;
  listening_ = true;
  uv_os_fd_t fd;
  uv_fileno(handle(&listener_), &fd);
  int one = 1;
  // Every worker listens on the same port; the kernel spreads connections.
  setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  const std::string where = format_address(address);
  int rc = uv_tcp_bind(&listener_, address, 0);
  if (rc == 0) rc = uv_listen(reinterpret_cast<uv_stream_t*>(&listener_), 1024, &Worker::on_connection);
  if (rc == UV_EADDRINUSE) {
    return fail("address " + where + " is in use: pass --listen 127.0.0.1:0 (any free port) or another port");
  }
  if (rc != 0) return fail("cannot listen on " + where + ": " + uv_message(rc));
  sockaddr_storage bound{};
  int len = sizeof bound;
  uv_tcp_getsockname(&listener_, reinterpret_cast<sockaddr*>(&bound), &len);
  return ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);  // same offset for v6
}

void Worker::start() {
  thread_ = std::thread([this] {
    uv_run(&loop_, UV_RUN_DEFAULT);
  });
}

void Worker::request_shutdown() {
  if (!shutdown_requested_.exchange(true)) uv_async_send(&wake_);
}

bool Worker::post(std::function<void()> task) {
  // Under the lock: finish_if_drained closes wake_ only after it stopped accepting,
  // so a send here never meets a closed (or freed) handle.
  std::lock_guard lock(tasks_mutex_);
  if (!accepting_tasks_) return false;
  tasks_.push_back(std::move(task));
  uv_async_send(&wake_);
  return true;
}

void Worker::join() {
  if (thread_.joinable()) thread_.join();
}

void Worker::on_connection(uv_stream_t* server, int status) {
  Worker* w = self(server->data);
  if (status != 0 || w->draining_) return;
  ClientConnection::accept(*w, server);
}

void Worker::on_wake(uv_async_t* async) {
  Worker* w = self(async->data);
  std::vector<std::function<void()>> tasks;
  {
    std::lock_guard lock(w->tasks_mutex_);
    tasks.swap(w->tasks_);
    if (w->shutdown_requested_) w->accepting_tasks_ = false;
  }
  // Posted before the shutdown request: run now, so each drains with the rest.
  for (auto& task : tasks) task();
  if (!w->shutdown_requested_ || w->draining_) return;
  w->draining_ = true;
  if (w->listening_) {
    w->listening_ = false;
    uv_close(handle(&w->listener_), nullptr);
  }
  // shutdown() may close a connection at once, which erases it from the set.
  auto snapshot = w->connections_;
  for (ClientConnection* c : snapshot) c->shutdown();
  uv_timer_start(&w->grace_, &Worker::on_grace_expired, w->config_.shutdown_grace_ms, 0);
  w->finish_if_drained();
}

void Worker::on_grace_expired(uv_timer_t* timer) {
  Worker* w = self(timer->data);
  auto snapshot = w->connections_;
  for (ClientConnection* c : snapshot) c->force_close();
}

void Worker::remove(ClientConnection* connection) {
  connections_.erase(connection);
  if (draining_) finish_if_drained();
}

void Worker::finish_if_drained() {
  if (finished_ || !connections_.empty()) return;
  finished_ = true;
  pool_.close_all();
  {
    std::lock_guard lock(tasks_mutex_);
    accepting_tasks_ = false;
  }
  uv_close(handle(&wake_), nullptr);
  uv_timer_stop(&grace_);
  uv_close(handle(&grace_), nullptr);
  // With every handle closed, uv_run returns and the thread ends.
}

}  // namespace flowscope::net
