#pragma once
// One TCP connection to an origin (or to the next proxy): name override, async
// DNS, connect with a timeout across all resolved addresses, then reads and writes.
//
// Socket I/O is a TcpStream's (one per connect attempt); this class keeps what is
// particular to the origin side: the address list, the timeout and the listener.
//
// Lifetime: created with `new`, destroyed only by itself once close() was called
// and every libuv callback it waits for has run (timer closed, getaddrinfo
// finished; the stream frees itself). After close() its listener is never called again.
#include <uv.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/net/tcp_stream.hpp"
#include "core/proxy/events.hpp"
#include "core/proxy/config.hpp"

namespace flowscope::net {

class Upstream;

class UpstreamListener {
 public:
  virtual ~UpstreamListener() = default;
  virtual void on_upstream_connected(Upstream& upstream, const proxy::UpstreamInfo& info) = 0;
  virtual void on_upstream_failed(Upstream& upstream, const proxy::UpstreamFailure& failure) = 0;
  virtual void on_upstream_data(Upstream& upstream, std::string_view data) = 0;
  virtual void on_upstream_eof(Upstream& upstream) = 0;
  virtual void on_upstream_error(Upstream& upstream, std::string_view message) = 0;
  // The write queue fell below the low-water mark.
  virtual void on_upstream_drained(Upstream& upstream) = 0;
};

class Upstream : private TcpStream::Handler {
 public:
  static Upstream* create(uv_loop_t* loop, std::string host, std::uint16_t port);

  void connect(const proxy::Config& config, UpstreamListener* listener);
  void set_listener(UpstreamListener* listener) { listener_ = listener; }
  void write(std::vector<std::string> pieces);
  void shutdown_write();
  void set_reading(bool reading);
  std::size_t write_queue_size() const;
  void close();

  const std::string& host() const { return host_; }
  std::uint16_t port() const { return port_; }
  const std::string& server_address() const { return server_address_; }
  bool connected() const { return connected_; }

 private:
  Upstream(uv_loop_t* loop, std::string host, std::uint16_t port);
  ~Upstream() override = default;

  void on_stream_connected(int status) override;
  void on_stream_data(std::string_view data) override;
  void on_stream_end(int status) override;
  void on_stream_written(int status) override;

  void resolve();
  void try_next_address();
  void fail(proxy::UpstreamFailureKind kind, std::string message);
  void release_ref();

  static void on_resolved(uv_getaddrinfo_t* req, int status, addrinfo* result);
  static void on_timeout(uv_timer_t* timer);

  uv_loop_t* loop_;
  std::string host_;
  std::uint16_t port_;
  UpstreamListener* listener_ = nullptr;

  TcpStreamPtr stream_;  // the current attempt, then the connection; null after close()
  uv_timer_t timer_{};
  uv_getaddrinfo_t resolve_req_{};
  bool resolving_ = false;
  bool connected_ = false;
  bool closing_ = false;
  int refs_ = 0;  // the timer handle and a pending getaddrinfo

  std::vector<sockaddr_storage> addresses_;
  std::size_t next_address_ = 0;
  std::string last_error_;
  std::string server_address_;
  std::uint64_t started_ns_ = 0;
  std::uint64_t resolved_ns_ = 0;
  double dns_ms_ = -1;
  std::uint64_t timeout_ms_ = 0;
};

}  // namespace flowscope::net
