#include "core/store/store_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <system_error>

#include "core/flow/json_line_writer.hpp"

namespace flowscope::store {

namespace {

constexpr std::chrono::seconds kDropWarningEvery{10};
// Lines are gathered up to this size for one write(). On the reference VM a write()
// of one 1.9 KB line costs about 5 µs, which alone held one writer thread near 50k
// small flows/s; whole buffers of complete lines keep the same crash guarantee.
constexpr std::size_t kWriteBuffer = 256 * 1024;

// What a queued Flow copy holds, near enough for the byte bound.
std::size_t approximate_bytes(const flow::Flow& flow) {
  std::size_t bytes =
      sizeof(flow::Flow) + flow.request.url.size() + flow.request.body.data.size() + flow.error.size();
  for (const auto& h : flow.request.headers.items) bytes += h.name.size() + h.value.size() + 64;
  if (flow.response) {
    bytes += flow.response->body.data.size();
    for (const auto& h : flow.response->headers.items) bytes += h.name.size() + h.value.size() + 64;
  }
  return bytes;
}

std::string errno_text(int err) {
  return std::error_code(err, std::generic_category()).message();
}

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<std::unique_ptr<StoreWriter>> StoreWriter::open(std::filesystem::path path,
                                                       StoreOptions options) {
  const std::string shown = path.string();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return fail("the flow store path " + shown + " is a directory: pass a file path such as " +
                (path / "flows.jsonl").string());
  }
  if (options.queue_capacity == 0)
    return fail("the flow store's queue capacity must be at least 1");
  // O_NONBLOCK only for open itself: a FIFO nobody reads fails with ENXIO instead of
  // hanging; the writer thread then wants ordinary blocking writes.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK, 0600);  // flows hold cookies and credentials
  if (fd >= 0) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  if (fd < 0) {
    int err = errno;
    std::string parent = path.parent_path().empty() ? "." : path.parent_path().string();
    switch (err) {
      case EISDIR:
        return fail("the flow store path " + shown + " is a directory: pass a file path such as " +
                    (path / "flows.jsonl").string());
      case ENOENT:
      case ENOTDIR:
        return fail("cannot create the flow store " + shown + ": directory " + parent +
                    " does not exist: create it or choose another path");
      case ENXIO:
        return fail("cannot open the flow store " + shown +
                    ": it is a FIFO that nobody is reading");
      case EACCES:
      case EPERM:
      case EROFS:
        return fail("cannot open the flow store " + shown + " for writing: " + errno_text(err) +
                    ": choose a writable path");
      default:
        return fail("cannot open the flow store " + shown + ": " + errno_text(err));
    }
  }

  // A previous writer killed mid-line leaves the file without a final '\n'. Appending
  // straight after it would glue our first line to that fragment; starting on a new
  // line instead leaves the fragment as one unreadable line, which readers report.
  bool ends_torn = false;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    // Our descriptor is write-only; look with a reading one.
    char last = '\n';
    if (int probe = ::open(path.c_str(), O_RDONLY | O_CLOEXEC); probe >= 0) {
      if (::pread(probe, &last, 1, st.st_size - 1) != 1) last = '\n';
      ::close(probe);
    }
    if (last != '\n') {
      ends_torn = true;
      std::fprintf(stderr,
                   "flowscope: %s ends with an incomplete line (the previous writer was probably "
                   "killed); new flows start on the next line\n",
                   shown.c_str());
    }
  }
  return std::unique_ptr<StoreWriter>(new StoreWriter(std::move(path), fd, options, ends_torn));
}

StoreWriter::StoreWriter(std::filesystem::path path, int fd, StoreOptions options, bool ends_torn)
    : path_(std::move(path)), fd_(fd), options_(options), torn_(ends_torn) {
  last_sync_ = std::chrono::steady_clock::now();
  thread_ = std::thread([this] { run(); });
}

StoreWriter::~StoreWriter() {
  flush();
  ::close(fd_);
}

void StoreWriter::on_flow(const flow::Flow& flow) {
  // Cheap early drop: when the writer is behind, don't pay for the copy.
  if (pending_.load(std::memory_order_relaxed) >= options_.queue_capacity) {
    count_drop();
    return;
  }
  Item item = options_.serialize_on_writer ? Item{flow, approximate_bytes(flow)}
                                           : Item{flow::to_json_line(flow), 0};
  if (auto* line = std::get_if<std::string>(&item.content)) item.bytes = line->size();
  {
    std::lock_guard lock(mutex_);
    // Checked again under the lock: producers raise the counters only here, so the
    // queue never holds more than the options allow.
    std::size_t pending = pending_.load(std::memory_order_relaxed);
    std::size_t bytes = pending_bytes_.load(std::memory_order_relaxed);
    if (!stopping_ && pending < options_.queue_capacity &&
        (pending == 0 || bytes + item.bytes <= options_.queue_byte_capacity)) {
      // The writer sleeps only on an empty queue, so only the first item must wake it.
      bool was_empty = queue_.empty();
      pending_bytes_.fetch_add(item.bytes, std::memory_order_relaxed);
      queue_.push_back(std::move(item));
      pending_.fetch_add(1, std::memory_order_relaxed);
      if (was_empty) wake_.notify_one();
      return;
    }
  }
  count_drop();
}

void StoreWriter::count_drop() {
  std::uint64_t total = dropped_.fetch_add(1, std::memory_order_relaxed) + 1;
  // One warning on the first drop, then at most one per kDropWarningEvery, from
  // whichever thread wins the exchange.
  std::int64_t now = steady_ns();
  std::int64_t due = next_drop_warning_ns_.load(std::memory_order_relaxed);
  if (now < due) return;
  std::int64_t next =
      now + std::chrono::duration_cast<std::chrono::nanoseconds>(kDropWarningEvery).count();
  if (!next_drop_warning_ns_.compare_exchange_strong(due, next, std::memory_order_relaxed)) return;
  std::fprintf(stderr, "flowscope: the flow store is falling behind; %llu flows dropped so far\n",
               static_cast<unsigned long long>(total));
}

void StoreWriter::run() {
  std::vector<Item> batch;
  for (;;) {
    bool stop;
    {
      std::unique_lock lock(mutex_);
      auto ready = [this] { return !queue_.empty() || stopping_; };
      if (options_.fsync == FsyncMode::kInterval && unsynced_) {
        wake_.wait_until(lock, last_sync_ + options_.fsync_interval, ready);
      } else {
        wake_.wait(lock, ready);
      }
      // Producers keep the (empty) vector we hand back, and with it its capacity.
      batch.swap(queue_);
      stop = stopping_;
    }
    for (Item& item : batch) append(item);
    // Nothing waits in user space once the queue is empty.
    write_buffer();
    batch.clear();
    if (options_.fsync == FsyncMode::kEvery ||
        (options_.fsync == FsyncMode::kInterval &&
         std::chrono::steady_clock::now() >= last_sync_ + options_.fsync_interval)) {
      sync(false);
    }
    // on_flow refuses new items once stopping_ is set, so this batch was the last.
    if (stop) return;
  }
}

void StoreWriter::append(Item& item) {
  // After a failed write the file may end inside a line; the next line starts anew.
  if (buffer_.empty() && torn_) buffer_.push_back('\n');
  if (auto* flow = std::get_if<flow::Flow>(&item.content)) {
    flow::append_json_line(*flow, buffer_);
  } else {
    buffer_ += std::get<std::string>(item.content);
  }
  ++buffered_lines_;
  buffered_bytes_ += item.bytes;
  if (buffer_.size() >= kWriteBuffer) write_buffer();
}

void StoreWriter::write_buffer() {
  if (buffered_lines_ == 0) return;
  // O_APPEND places each write() whole at the end of the file, and every buffer holds
  // only complete lines, so the file is always complete lines plus at most one torn
  // tail. The loop finishes short writes (signals, pipes).
  std::size_t done = 0;
  int err = 0;
  while (done < buffer_.size()) {
    ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      err = n < 0 ? errno : EIO;
      break;
    }
  }
  // Lines that reached the file are those whose '\n' did (not counting the newline
  // that closes an earlier torn line).
  std::size_t complete = buffered_lines_;
  if (done < buffer_.size()) {
    std::size_t prefix = torn_ && buffer_.front() == '\n' ? 1 : 0;
    complete = done <= prefix ? 0
                              : static_cast<std::size_t>(std::count(
                                    buffer_.begin() + static_cast<std::ptrdiff_t>(prefix),
                                    buffer_.begin() + static_cast<std::ptrdiff_t>(done), '\n'));
  }
  if (done > 0) {
    torn_ = buffer_[done - 1] != '\n';
    unsynced_ = true;
  }
  written_.fetch_add(complete, std::memory_order_relaxed);
  if (complete < buffered_lines_) {
    write_errors_.fetch_add(buffered_lines_ - complete, std::memory_order_relaxed);
    report_error("write to", err);
  }
  pending_.fetch_sub(buffered_lines_, std::memory_order_relaxed);
  pending_bytes_.fetch_sub(buffered_bytes_, std::memory_order_relaxed);
  buffer_.clear();
  buffered_lines_ = 0;
  buffered_bytes_ = 0;
}

void StoreWriter::sync(bool final) {
  if (options_.fsync == FsyncMode::kNever) return;
  if (!unsynced_ && !final) return;
  if (::fdatasync(fd_) != 0) {
    int err = errno;
    // Pipes, character devices and some filesystems cannot sync; nothing is lost.
    if (err != EINVAL && err != EROFS && err != ENOTSUP) {
      write_errors_.fetch_add(1, std::memory_order_relaxed);
      report_error("sync", err);
    }
  }
  unsynced_ = false;
  last_sync_ = std::chrono::steady_clock::now();
}

void StoreWriter::report_error(const char* what, int err) {
  if (error_reported_) return;
  error_reported_ = true;
  std::fprintf(stderr,
               "flowscope: cannot %s the flow store %s: %s; flows are not being saved (proxying "
               "continues)\n",
               what, path_.c_str(), errno_text(err).c_str());
}

void StoreWriter::flush() {
  std::call_once(flushed_, [this] {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
    sync(true);
    if (auto n = dropped(); n > 0) {
      std::fprintf(stderr,
                   "flowscope: %llu flows were dropped because the flow store fell behind\n",
                   static_cast<unsigned long long>(n));
    }
    if (auto n = write_errors(); n > 0) {
      std::fprintf(stderr, "flowscope: %llu flows or syncs failed to reach the flow store %s\n",
                   static_cast<unsigned long long>(n), path_.c_str());
    }
  });
}

}  // namespace flowscope::store
