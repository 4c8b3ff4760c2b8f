#pragma once

#include <uv.h>

#include <atomic>
#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <vector>

#include "options.hpp"
#include "stats.hpp"
#include "targets.hpp"
#include "tls_session.hpp"

namespace flowscope::loadgen {

class Connection;

// Shared by all workers: the request count (-n) and the round-robin cursor over origins. These are
// the only cross-thread state, one atomic operation per request or connection.
class Budget {
 public:
  explicit Budget(uint64_t requests)
      : unlimited_(requests == 0), remaining_(static_cast<int64_t>(requests)) {}
  // Takes one request's worth; false once the count is spent. It may go negative (a few failed
  // takes per connection at the end), which is harmless.
  bool acquire() { return unlimited_ || remaining_.fetch_sub(1, std::memory_order_relaxed) > 0; }
  size_t next_origin(size_t count) {
    return origin_cursor_.fetch_add(1, std::memory_order_relaxed) % count;
  }

 private:
  bool unlimited_;
  std::atomic<int64_t> remaining_;
  std::atomic<uint64_t> origin_cursor_{0};
};

// One thread, one uv loop, a fixed set of connections. The loop ends by itself when every
// connection has run out of budget (or the deadline passed) and every handle is closed.
class Worker {
 public:
  // Reads and decrypted plaintext are consumed synchronously inside the read callback, so one
  // buffer of each per loop serves every connection.
  static constexpr size_t kReadBufferSize = 256 * 1024;

  Worker(const Options& options, const std::vector<Origin>& origins, Budget& budget,
         unsigned connections);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  std::expected<void, std::string> init();  // loop and TLS context; before the thread starts
  // Blocks until the loop is empty. deadline_ns (uv_hrtime clock, 0 = none) stops the run.
  void run(uint64_t deadline_ns);
  const Stats& stats() const { return *stats_; }
  uint64_t finished_ns() const { return finished_ns_; }

  // For connections.
  uv_loop_t* loop() { return &loop_; }
  const Options& options() const { return options_; }
  Stats& stats() { return *stats_; }
  SSL_CTX* tls_context() { return tls_ctx_.get(); }
  bool stopping() const { return stopping_; }
  bool acquire() { return !stopping_ && budget_.acquire(); }
  const Origin& next_origin() { return origins_[budget_.next_origin(origins_.size())]; }
  char* read_buffer() { return read_buffer_.get(); }
  char* plain_buffer() { return plain_buffer_.get(); }
  void connection_finished();

 private:
  static void on_deadline(uv_timer_t* timer);

  const Options& options_;
  const std::vector<Origin>& origins_;
  Budget& budget_;
  unsigned connection_count_;
  uv_loop_t loop_{};
  bool loop_ready_ = false;
  uv_timer_t deadline_timer_{};
  bool deadline_armed_ = false;
  bool stopping_ = false;
  unsigned finished_ = 0;
  uint64_t finished_ns_ = 0;
  SslCtxPtr tls_ctx_;
  std::unique_ptr<Stats> stats_ = std::make_unique<Stats>();
  std::unique_ptr<char[]> read_buffer_ = std::make_unique<char[]>(kReadBufferSize);
  std::unique_ptr<char[]> plain_buffer_ = std::make_unique<char[]>(kReadBufferSize);
  std::vector<std::unique_ptr<Connection>> connections_;
};

}  // namespace flowscope::loadgen
