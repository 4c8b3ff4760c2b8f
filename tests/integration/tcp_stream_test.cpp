// net::TcpStream over loopback against a blocking peer on its own thread: a write
// larger than the socket buffers goes partly through uv_try_write and the rest
// through the queue, and arrives intact and in order while the reader pauses;
// reading pauses and resumes without losing bytes; close() with writes still
// queued calls the handler no more (ASan checks that the requests are freed).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "core/net/tcp_stream.hpp"

namespace flowscope::net {
namespace {

constexpr std::size_t kMiB = 1024 * 1024;

std::string pattern(std::size_t size, char salt) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i) s[i] = static_cast<char>((i * 31 + static_cast<std::size_t>(salt)) % 251);
  return s;
}

// One accepted connection on 127.0.0.1, served by `serve` on its own thread.
class Peer {
 public:
  explicit Peer(std::function<void(int fd)> serve) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    EXPECT_EQ(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len), 0);
    EXPECT_EQ(::listen(listen_fd_, 1), 0);
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    address_ = addr;
    thread_ = std::thread([this, serve = std::move(serve)] {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      serve(fd);
      ::close(fd);
    });
  }
  ~Peer() {
    if (thread_.joinable()) thread_.join();
    ::close(listen_fd_);
  }
  const sockaddr* address() const { return reinterpret_cast<const sockaddr*>(&address_); }
  void join() { thread_.join(); }

 private:
  int listen_fd_ = -1;
  sockaddr_in address_{};
  std::thread thread_;
};

std::string read_all(int fd) {
  std::string out;
  char buf[64 * 1024];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  return out;
}

// Runs `loop` until nothing is left on it, with a hang guard that does not keep it alive.
void run(uv_loop_t* loop) {
  uv_timer_t guard;
  uv_timer_init(loop, &guard);
  uv_timer_start(&guard, [](uv_timer_t* t) {
    ADD_FAILURE() << "loop still busy after 20 s";
    uv_stop(t->loop);
  }, 20'000, 0);
  uv_unref(reinterpret_cast<uv_handle_t*>(&guard));
  uv_run(loop, UV_RUN_DEFAULT);
  uv_close(reinterpret_cast<uv_handle_t*>(&guard), nullptr);
  uv_run(loop, UV_RUN_DEFAULT);
}

class TcpStreamTest : public ::testing::Test {
 protected:
  void SetUp() override { uv_loop_init(&loop_); }
  void TearDown() override { EXPECT_EQ(uv_loop_close(&loop_), 0) << "a handle was left open"; }
  uv_loop_t loop_{};
};

struct Recorder : TcpStream::Handler {
  std::function<void(int)> connected, written, shutdown, end;
  std::function<void(std::string_view)> data;
  void on_stream_connected(int status) override { if (connected) connected(status); }
  void on_stream_written(int status) override { if (written) written(status); }
  void on_stream_shutdown(int status) override { if (shutdown) shutdown(status); }
  void on_stream_end(int status) override { if (end) end(status); }
  void on_stream_data(std::string_view d) override { if (data) data(d); }
};

TEST_F(TcpStreamTest, LargeWriteIsPartlyTriedThenQueuedAndArrivesInOrderWhileTheReaderPauses) {
  const std::string head = pattern(100, 'h'), body = pattern(16 * kMiB, 'b'), tail = pattern(1000, 't');
  const std::string second = pattern(64 * 1024, 's');
  const std::string expected = head + body + tail + second;
  std::string received;
  Peer peer([&](int fd) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the writer must queue meanwhile
    received = read_all(fd);
  });

  Recorder r;
  TcpStreamPtr stream = TcpStream::open(&loop_, &r);
  std::size_t queued_after_first = 0, queued_after_second = 0;
  int writes_done = 0, shutdowns = 0;
  r.connected = [&](int status) {
    ASSERT_EQ(status, 0);
    ASSERT_EQ(stream->write({head, body, tail}), 0);  // one batch, one writev
    queued_after_first = stream->write_queue_size();
    // Queued behind the first: uv_try_write must not jump the queue.
    ASSERT_EQ(stream->write({second}), 0);
    queued_after_second = stream->write_queue_size();
    ASSERT_EQ(stream->shutdown_write(), 0);
    EXPECT_NE(stream->write({"late"}), 0) << "writes after shutdown_write are refused";
  };
  r.written = [&](int status) {
    EXPECT_EQ(status, 0);
    ++writes_done;
  };
  r.shutdown = [&](int status) {
    EXPECT_EQ(status, 0);
    ++shutdowns;
    EXPECT_EQ(stream->write_queue_size(), 0u);
    stream.reset();
  };
  ASSERT_EQ(stream->connect(peer.address()), 0);
  run(&loop_);
  peer.join();

  const std::size_t first_size = head.size() + body.size() + tail.size();
  EXPECT_GT(queued_after_first, 0u) << "the socket took 16 MiB at once: nothing was queued";
  EXPECT_LT(queued_after_first, first_size) << "uv_try_write sent nothing";
  EXPECT_EQ(queued_after_second, queued_after_first + second.size());
  EXPECT_EQ(writes_done, 2);
  EXPECT_EQ(shutdowns, 1);
  ASSERT_EQ(received.size(), expected.size());
  EXPECT_TRUE(received == expected) << "bytes arrived changed or out of order";
}

TEST_F(TcpStreamTest, SmallWriteGoesOutWholeWithoutACallback) {
  std::string received;
  Peer peer([&](int fd) { received = read_all(fd); });
  Recorder r;
  TcpStreamPtr stream = TcpStream::open(&loop_, &r);
  int writes_done = 0;
  r.connected = [&](int) {
    ASSERT_EQ(stream->write({"GET / HTTP/1.1\r\n", "", "\r\n"}), 0);
    EXPECT_EQ(stream->write_queue_size(), 0u);
    stream->shutdown_write();
  };
  r.written = [&](int) { ++writes_done; };
  r.shutdown = [&](int) { stream.reset(); };
  ASSERT_EQ(stream->connect(peer.address()), 0);
  run(&loop_);
  peer.join();
  EXPECT_EQ(writes_done, 0);
  EXPECT_EQ(received, "GET / HTTP/1.1\r\n\r\n");
}

TEST_F(TcpStreamTest, ReadingPausesAndResumesWithoutLosingBytes) {
  const std::string sent = pattern(4 * kMiB, 'r');
  Peer peer([&](int fd) {
    for (std::size_t off = 0; off < sent.size();) {
      ssize_t n = ::write(fd, sent.data() + off, sent.size() - off);
      if (n <= 0) return;
      off += static_cast<std::size_t>(n);
    }
  });

  Recorder r;
  TcpStreamPtr stream = TcpStream::open(&loop_, &r);
  struct Pause {
    TcpStream* stream;
    bool paused = false;
  } pause{stream.get()};
  uv_timer_t resume;
  uv_timer_init(&loop_, &resume);
  resume.data = &pause;
  std::string received;
  int pauses = 0, ends = 0;
  r.connected = [&](int status) {
    ASSERT_EQ(status, 0);
    stream->set_reading(true);
    stream->set_reading(true);  // idempotent
  };
  r.data = [&](std::string_view d) {
    EXPECT_FALSE(pause.paused) << "data arrived while reading was stopped";
    received.append(d);
    if (pauses < 5 && received.size() > static_cast<std::size_t>(pauses + 1) * 512 * 1024) {
      ++pauses;
      pause.paused = true;
      stream->set_reading(false);
      EXPECT_FALSE(stream->reading());
      uv_timer_start(&resume, [](uv_timer_t* t) {
        auto* p = static_cast<Pause*>(t->data);
        p->paused = false;
        p->stream->set_reading(true);
      }, 30, 0);
    }
  };
  r.end = [&](int status) {
    EXPECT_EQ(status, UV_EOF);
    ++ends;
    EXPECT_TRUE(stream->read_ended());
    EXPECT_FALSE(stream->reading());
    stream->set_reading(true);  // a no-op after the end: reading again would spin
    EXPECT_FALSE(stream->reading());
    stream.reset();
    uv_close(reinterpret_cast<uv_handle_t*>(&resume), nullptr);
  };
  ASSERT_EQ(stream->connect(peer.address()), 0);
  run(&loop_);
  peer.join();
  EXPECT_EQ(pauses, 5);
  EXPECT_EQ(ends, 1);
  ASSERT_EQ(received.size(), sent.size());
  EXPECT_TRUE(received == sent);
}

TEST_F(TcpStreamTest, CloseWithWritesQueuedCallsTheHandlerNoMore) {
  Peer peer([](int fd) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // not reading: the write stays queued
    read_all(fd);
  });
  Recorder r;
  TcpStreamPtr stream = TcpStream::open(&loop_, &r);
  bool closed = false;
  int calls_after_close = 0;
  auto after_close = [&](int) { calls_after_close += closed ? 1 : 0; };
  r.written = after_close;
  r.shutdown = after_close;
  r.end = after_close;
  r.connected = [&](int status) {
    ASSERT_EQ(status, 0);
    ASSERT_EQ(stream->write({pattern(16 * kMiB, 'c')}), 0);
    EXPECT_GT(stream->write_queue_size(), 0u);
    stream->shutdown_write();
    stream->set_reading(true);
    closed = true;
    stream.reset();  // the write and the shutdown are cancelled, their callbacks find nobody
  };
  ASSERT_EQ(stream->connect(peer.address()), 0);
  run(&loop_);
  peer.join();
  EXPECT_TRUE(closed);
  EXPECT_EQ(calls_after_close, 0);
}

}  // namespace
}  // namespace flowscope::net
