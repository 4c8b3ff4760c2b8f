#pragma once
// One TCP connection to an origin (or to the next proxy): name override, async
// DNS, connect with a timeout across all resolved addresses, then reads and writes.
//
// Lifetime: created with `new`, destroyed only by itself once close() was called
// and every libuv callback it waits for has run (handles closed, getaddrinfo
// finished). After close() its listener is never called again.
#include <uv.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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

class Upstream {
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
  ~Upstream() = default;

  void resolve();
  void try_next_address();
  void fail(proxy::UpstreamFailureKind kind, std::string message);
  void release_ref();

  static void on_resolved(uv_getaddrinfo_t* req, int status, addrinfo* result);
  static void on_connect(uv_connect_t* req, int status);
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void on_write(uv_write_t* req, int status);
  static void on_shutdown(uv_shutdown_t* req, int status);
  static void on_timeout(uv_timer_t* timer);

  uv_loop_t* loop_;
  std::string host_;
  std::uint16_t port_;
  UpstreamListener* listener_ = nullptr;

  uv_tcp_t tcp_{};
  uv_timer_t timer_{};
  uv_getaddrinfo_t resolve_req_{};
  uv_connect_t connect_req_{};
  uv_shutdown_t shutdown_req_{};
  bool tcp_open_ = false;
  bool resolving_ = false;
  bool connected_ = false;
  bool reading_ = false;
  bool shut_down_ = false;
  bool eof_ = false;  // the peer closed (or the read failed): never read again
  bool closing_ = false;
  int refs_ = 0;  // outstanding libuv callbacks that still reference this object

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
