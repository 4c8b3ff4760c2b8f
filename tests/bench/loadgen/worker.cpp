#include "worker.hpp"

#include <algorithm>

#include "connection.hpp"

namespace flowscope::loadgen {

Worker::Worker(const Options& options, const std::vector<Origin>& origins, Budget& budget,
               unsigned connections)
    : options_(options), origins_(origins), budget_(budget), connection_count_(connections) {}

Worker::~Worker() {
  connections_.clear();
  // run() returns only once every handle is closed, so the loop closes cleanly here.
  if (loop_ready_) uv_loop_close(&loop_);
}

std::expected<void, std::string> Worker::init() {
  if (int rc = uv_loop_init(&loop_); rc < 0) {
    return std::unexpected(std::string("uv_loop_init: ") + uv_strerror(rc));
  }
  loop_ready_ = true;
  // OpenSSL's context setup costs a few hundred thousand allocations; plain runs skip it.
  bool any_tls = std::ranges::any_of(origins_, [](const Origin& o) { return o.tls; });
  if (any_tls) {
    auto ctx = make_client_context(options_.insecure, options_.cacert);
    if (!ctx) return std::unexpected(ctx.error());
    tls_ctx_ = std::move(*ctx);
  }
  connections_.reserve(connection_count_);
  for (unsigned i = 0; i < connection_count_; ++i) {
    connections_.push_back(std::make_unique<Connection>(*this));
  }
  return {};
}

void Worker::run(uint64_t deadline_ns) {
  uv_update_time(&loop_);  // the cached loop time dates from init(); timers start from it
  if (deadline_ns != 0) {
    uv_timer_init(&loop_, &deadline_timer_);
    deadline_timer_.data = this;
    uint64_t now = uv_hrtime();
    uint64_t left_ms = deadline_ns > now ? (deadline_ns - now + 999'999) / 1'000'000 : 0;
    uv_timer_start(&deadline_timer_, on_deadline, left_ms, 0);
    deadline_armed_ = true;
  }
  for (auto& connection : connections_) connection->start();
  uv_run(&loop_, UV_RUN_DEFAULT);
  if (finished_ns_ == 0) finished_ns_ = uv_hrtime();
}

void Worker::on_deadline(uv_timer_t* timer) {
  auto* self = static_cast<Worker*>(timer->data);
  self->stopping_ = true;
  for (auto& connection : self->connections_) connection->abort();
}

void Worker::connection_finished() {
  if (++finished_ < connections_.size()) return;
  finished_ns_ = uv_hrtime();
  if (deadline_armed_) {
    deadline_armed_ = false;
    uv_close(reinterpret_cast<uv_handle_t*>(&deadline_timer_), nullptr);
  }
}

}  // namespace flowscope::loadgen
