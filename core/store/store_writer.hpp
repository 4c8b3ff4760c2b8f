#pragma once
// The JSON Lines flow store's writer (docs/flow-format.md). Worker threads hand flows
// to a bounded queue; one writer thread appends them with write() calls that each hold
// only complete lines (never part of a line), so a crash tears at most the last line.
// A full queue drops the flow rather than block a network thread; an unwritable disk
// is reported once and counted, and proxying goes on.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "core/flow/sink.hpp"
#include "core/result.hpp"

namespace flowscope::store {

enum class FsyncMode {
  kEvery,     // fdatasync after each batch the writer drains (group commit)
  kInterval,  // fdatasync at most once per `fsync_interval` while lines are pending
  kNever,     // leave it to the kernel, at shutdown too
};

struct StoreOptions {
  FsyncMode fsync = FsyncMode::kInterval;
  std::chrono::milliseconds fsync_interval{1000};
  // Flows accepted but not yet written; beyond either bound on_flow drops. The byte
  // bound (serialised line, or the copied Flow's bodies and headers) keeps a slow disk
  // from turning large bodies into gigabytes of queue; one flow is always admitted
  // into an empty queue, however large.
  std::size_t queue_capacity = 65536;
  std::size_t queue_byte_capacity = 256 * 1024 * 1024;
  // Where a flow becomes its JSON line. By default on the calling (network) thread:
  // ~2 µs for a small flow, spread over all workers, leaving the writer thread only
  // memcpy and write(). true moves it to the writer thread, so on_flow costs a Flow
  // copy (~0.4 µs) but one thread serialises everything. tests/bench/micro/store_bench.cpp
  // (fsync never, 2 busy vCPUs, medians of 3): 361k flows/s from one producer and 373k/s
  // from two serialising on the caller, against 132k/s and 209k/s on the writer.
  bool serialize_on_writer = false;
};

class StoreWriter : public flow::FlowSink {
 public:
  // Creates the file if needed (mode 0600: flows hold cookies and credentials) and appends to it. Fails with
  // a message naming the path for a directory, a missing parent or no permission.
  static Result<std::unique_ptr<StoreWriter>> open(std::filesystem::path path,
                                                   StoreOptions options = {});
  ~StoreWriter() override;  // flushes if flush() was not called

  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;

  // Thread-safe and never waits for the disk: only copies or serialises, then queues.
  void on_flow(const flow::Flow& flow) override;
  // Writes everything queued, syncs (unless FsyncMode::kNever) and stops the writer
  // thread. Later on_flow calls count as dropped.
  void flush() override;

  const std::filesystem::path& path() const { return path_; }
  std::uint64_t written() const { return written_.load(std::memory_order_relaxed); }
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  // Flows that could not be written (disk full, I/O error), plus failed syncs.
  std::uint64_t write_errors() const { return write_errors_.load(std::memory_order_relaxed); }

 private:
  struct Item {
    std::variant<flow::Flow, std::string> content;
    std::size_t bytes;  // counted in pending_bytes_
  };

  StoreWriter(std::filesystem::path path, int fd, StoreOptions options, bool ends_torn);
  void run();
  void append(Item& item);
  void write_buffer();
  void sync(bool final);
  void report_error(const char* what, int err);
  void count_drop();

  const std::filesystem::path path_;
  const int fd_;
  const StoreOptions options_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Item> queue_;  // guarded by mutex_
  bool stopping_ = false;    // guarded by mutex_
  // Accepted and not yet written (queued or in the writer's hands); bounds memory.
  std::atomic<std::size_t> pending_{0};
  std::atomic<std::size_t> pending_bytes_{0};

  // Writer thread only.
  std::string buffer_;  // complete lines waiting for one write()
  std::size_t buffered_lines_ = 0;
  std::size_t buffered_bytes_ = 0;  // their share of pending_bytes_
  bool torn_ = false;               // the file ends inside a line: start the next one on a new line
  bool unsynced_ = false;
  std::chrono::steady_clock::time_point last_sync_;
  bool error_reported_ = false;

  std::atomic<std::uint64_t> written_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> write_errors_{0};
  std::atomic<std::int64_t> next_drop_warning_ns_{0};

  std::once_flag flushed_;
  std::thread thread_;
};

}  // namespace flowscope::store
