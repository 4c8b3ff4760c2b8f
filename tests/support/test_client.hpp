#pragma once
// TestClient: a blocking raw-socket HTTP client for integration tests.
//
// It sends exactly the bytes a test gives it and parses what comes back with the
// project's own http::Parser in response mode, one response at a time, so
// pipelined and keep-alive exchanges can be checked in order. SO_RCVTIMEO (30 s)
// is only a hang guard: a read that hits it reports timed_out(), it never decides
// a test's outcome on the happy path.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/http/message.hpp"
#include "core/http/parser.hpp"

namespace flowscope::testsupport {

struct HttpResponse {
  http::ResponseHead head;
  std::string body;  // decoded; empty when ReadOptions::on_body took the pieces
  http::Headers trailers;
  std::string raw;        // the bytes of this response as received
  bool complete = false;  // one whole message was parsed
  bool closed = false;    // the peer closed (EOF or reset) while this response was read
  std::string error;      // why the response is not complete (parse error, EOF, reset, timeout)

  int status() const { return head.status; }
  // First value of a header, or "" when absent.
  std::string header(std::string_view name) const;
  bool has_header(std::string_view name) const { return head.headers.find(name) != nullptr; }
};

struct ReadOptions {
  bool head_request = false;     // the response answers HEAD: no body whatever it says
  bool connect_request = false;  // the response answers CONNECT: a 2xx ends the HTTP part
  // When set, body pieces go here as they arrive instead of into HttpResponse::body.
  std::function<void(std::string_view)> on_body;
};

class TestClient {
 public:
  static constexpr int kHangGuardSeconds = 30;

  // Connects to 127.0.0.1:port; connected() tells whether that worked.
  explicit TestClient(std::uint16_t port);
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  bool connected() const { return fd_ >= 0 && connect_error_.empty(); }
  const std::string& connect_error() const { return connect_error_; }
  int fd() const { return fd_; }

  // False when the peer is gone (EPIPE, reset).
  bool send(std::string_view bytes);
  void shutdown_write();
  void close();

  // The next response (an interim 1xx is returned on its own).
  HttpResponse read_response(const ReadOptions& options = {});
  HttpResponse read_head_response() { return read_response(ReadOptions{true, false, {}}); }
  HttpResponse read_connect_response() { return read_response(ReadOptions{false, true, {}}); }

  // Parse what follows as a new HTTP stream (e.g. HTTP inside a CONNECT tunnel).
  void restart_parser();

  // Raw reads (after a CONNECT, or to look at bytes unparsed). Buffered bytes come first.
  std::string read_some(std::size_t max = 64 * 1024);
  std::string read_exact(std::size_t n);
  std::string read_until_eof();
  // True when the peer closes (EOF or reset) before any further byte arrives; false
  // when bytes arrive (they stay buffered) or the hang guard fires.
  bool wait_closed();

  bool eof() const { return eof_; }
  bool reset_seen() const { return reset_; }
  bool timed_out() const { return timed_out_; }

 private:
  // One recv into buf_; false at EOF, reset, timeout or error.
  bool fill();

  int fd_ = -1;
  std::string connect_error_;
  std::string buf_;
  std::unique_ptr<http::Parser> parser_;
  bool eof_ = false;
  bool reset_ = false;
  bool timed_out_ = false;
};

}  // namespace flowscope::testsupport
