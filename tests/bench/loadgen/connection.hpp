#pragma once

#include <llhttp.h>
#include <uv.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "stats.hpp"
#include "targets.hpp"
#include "tls_session.hpp"

namespace flowscope::loadgen {

class Worker;

// One connection slot: it opens a connection, runs requests on it (one at a time, no pipelining),
// and opens the next when the server or --new-connection ends it, until the budget is spent or the
// worker stops. The slot's handles and buffers are reused for every connection it opens, so a
// request allocates nothing on the plain path (TLS allocates inside OpenSSL per handshake).
//
// Invariants: at most one uv_write in flight (one write_req_); every request holds one ticket from
// the budget and ends as exactly one of completed or an error; memory of the uv handles is never
// released before their close callbacks (the Worker outlives the loop run).
class Connection {
 public:
  explicit Connection(Worker& worker);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void start();  // takes the first ticket and connects
  void abort();  // deadline: drop the connection and any request in flight, uncounted

 private:
  enum class Phase : uint8_t {
    kIdle,        // no socket
    kConnecting,  // TCP connect in progress
    kTunnel,      // CONNECT sent, awaiting the proxy's reply
    kHandshake,   // TLS handshake in progress
    kReady,       // connection usable, no request in flight
    kRequest,     // request sent or sending, response awaited
    kClosing,     // uv_close issued, waiting for the callback
    kFinished,    // budget spent; timer closed
  };

  static void on_connect(uv_connect_t* req, int status);
  static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void on_write(uv_write_t* req, int status);
  static void on_timeout(uv_timer_t* timer);
  static void on_tcp_closed(uv_handle_t* handle);
  static void on_timer_closed(uv_handle_t* handle);
  static int on_headers_complete(llhttp_t* parser);
  static int on_body(llhttp_t* parser, const char* at, size_t len);
  static int on_message_complete(llhttp_t* parser);

  void next();  // open another connection if the budget allows, else finish
  void open();
  void connected();
  void start_tls();
  void ready();
  void send_request();
  void complete_request();
  void fail(ErrorKind kind, std::string_view message);
  void close_socket();
  void finish();
  void arm_timer();
  void write(const uv_buf_t* bufs, unsigned count, size_t total);
  void write_bytes(const char* data, size_t len);  // `data` must live until on_write

  void handle_bytes(const char* data, size_t len);
  void handle_tunnel_reply(const char* data, size_t len);
  void handle_plaintext(const char* data, size_t len);
  void handle_eof();
  void drive_tls();
  void pump();
  void pump_plain();
  void pump_tls();
  void flush_tls();

  Worker& worker_;
  const bool head_request_;  // HEAD: responses announce a body they do not carry
  llhttp_settings_t parser_settings_{};
  Phase phase_ = Phase::kIdle;
  const Origin* origin_ = nullptr;
  size_t head_index_ = 0;

  uv_tcp_t tcp_{};
  uv_connect_t connect_req_{};
  uv_write_t write_req_{};
  uv_timer_t timer_{};
  bool write_in_flight_ = false;
  int write_error_ = 0;  // a failed write while a response may still arrive (uv error code)

  TlsSession tls_;
  std::unique_ptr<char[]> tls_out_;  // ciphertext handed to uv_write; lives until on_write
  size_t tls_out_capacity_ = 0;
  std::string tunnel_reply_;  // the proxy's reply head, collected across reads

  llhttp_t parser_{};
  bool response_done_ = false;
  bool response_started_ = false;  // some response byte arrived for the current request
  unsigned requests_on_connection_ = 0;
  bool keep_alive_ = false;
  bool interim_ = false;  // a 1xx head was parsed; the real response follows
  int status_ = 0;

  const std::string* head_ = nullptr;  // request head being sent
  bool head_sent_ = false;
  uint64_t body_left_ = 0;  // request body bytes not yet handed to the socket or TLS
  uint64_t connect_start_ns_ = 0;
  uint64_t request_start_ns_ = 0;
};

}  // namespace flowscope::loadgen
