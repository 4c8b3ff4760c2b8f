#pragma once
// One TCP socket on a libuv loop: the only owner of a uv_tcp_t in flowscope.
// ClientConnection (the accepted side) and Upstream (the connecting side) both sit
// on it, so the handle rules live in one place (h2o's uv-binding.c.h follows the same):
//   * the memory is freed only in the uv_close callback, and the handle is closed
//     exactly once (close(), usually through TcpStreamPtr's deleter);
//   * after close() the handler is never called again, even though libuv still runs
//     the cancelled write, shutdown and connect callbacks before the close callback;
//   * a uv_write's bytes live in its request until that request's callback.
// Writes try uv_try_write first; only what the kernel did not take is queued.
#include <uv.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace flowscope::net {

class TcpStream {
 public:
  // Called on the loop thread, never from inside a TcpStream call (errors of
  // write() and shutdown_write() also arrive later, through these), never after close().
  class Handler {
   public:
    virtual ~Handler() = default;
    virtual void on_stream_data(std::string_view data) = 0;
    // The read side is over: UV_EOF or a read error. The stream never reads again.
    virtual void on_stream_end(int status) = 0;
    // A queued write finished (0) or failed. Writes that uv_try_write sent whole
    // report nothing: they never entered the queue.
    virtual void on_stream_written(int status) = 0;
    virtual void on_stream_connected(int /*status*/) {}
    virtual void on_stream_shutdown(int /*status*/) {}
  };

  // Closes instead of deleting: the memory goes in the close callback.
  struct Closer {
    void operator()(TcpStream* stream) const { stream->close(); }
  };

  // A fresh handle (uv_tcp_init) on `loop`; `handler` must outlive the stream or close it first.
  static std::unique_ptr<TcpStream, Closer> open(uv_loop_t* loop, Handler* handler);

  int accept(uv_stream_t* server);
  int connect(const sockaddr* address);  // then on_stream_connected

  // Idempotent; a no-op once the read side has ended (reading after EOF would spin the loop).
  void set_reading(bool reading);
  bool reading() const { return reading_; }
  bool read_ended() const { return read_ended_; }

  // The pieces go out in one writev. They are moved, never copied: the part the
  // kernel did not take stays in its strings until the uv_write callback.
  int write(std::vector<std::string> pieces);
  // Bytes handed to uv_write that the kernel has not taken yet (the backpressure signal).
  std::size_t write_queue_size() const;

  // FIN after the queued writes; writes after it are refused.
  int shutdown_write();
  bool write_shut() const { return write_shut_; }
  bool shutdown_pending() const { return shutdown_pending_; }

  std::string peer_address() const;
  std::string local_ip() const;  // see net::local_ip
  // Detaches the handler and closes the handle; safe to call more than once.
  void close();

  TcpStream(const TcpStream&) = delete;
  TcpStream& operator=(const TcpStream&) = delete;

 private:
  explicit TcpStream(Handler* handler) : handler_(handler) {}
  ~TcpStream() = default;
  uv_stream_t* stream() { return reinterpret_cast<uv_stream_t*>(&tcp_); }

  static void on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf);
  static void on_write(uv_write_t* req, int status);
  static void on_shutdown(uv_shutdown_t* req, int status);
  static void on_connect(uv_connect_t* req, int status);

  uv_tcp_t tcp_{};
  uv_connect_t connect_req_{};
  uv_shutdown_t shutdown_req_{};
  Handler* handler_;  // nullptr once closing: callbacks still due from libuv find nobody
  bool closing_ = false;
  bool reading_ = false;
  bool read_ended_ = false;
  bool write_shut_ = false;
  bool shutdown_pending_ = false;
};

using TcpStreamPtr = std::unique_ptr<TcpStream, TcpStream::Closer>;

}  // namespace flowscope::net
