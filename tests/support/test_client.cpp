#include "tests/support/test_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace flowscope::testsupport {

std::string HttpResponse::header(std::string_view name) const {
  const std::string* value = head.headers.find(name);
  return value ? *value : std::string();
}

TestClient::TestClient(std::uint16_t port)
    : parser_(std::make_unique<http::Parser>(http::MessageKind::kResponse, 1024 * 1024)) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    connect_error_ = std::string("socket: ") + std::strerror(errno);
    return;
  }
  timeval tv{kHangGuardSeconds, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  while (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (errno == EINTR) continue;
    connect_error_ = "connect to 127.0.0.1:" + std::to_string(port) + ": " + std::strerror(errno);
    break;
  }
}

TestClient::~TestClient() {
  close();
}

void TestClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool TestClient::send(std::string_view bytes) {
  if (fd_ < 0) return false;
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void TestClient::shutdown_write() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

bool TestClient::fill() {
  if (fd_ < 0 || eof_) return false;
  char buffer[64 * 1024];
  for (;;) {
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n > 0) {
      buf_.append(buffer, static_cast<std::size_t>(n));
      return true;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      timed_out_ = true;
      return false;  // not EOF: a later read may still succeed
    }
    if (n < 0 && errno == ECONNRESET) reset_ = true;
    eof_ = true;
    return false;
  }
}

HttpResponse TestClient::read_response(const ReadOptions& options) {
  HttpResponse r;
  if (options.head_request) parser_->expect_response_to_head();
  if (options.connect_request) parser_->expect_response_to_connect();
  for (;;) {
    if (!buf_.empty()) {
      http::ParseOutput out = parser_->feed(buf_);
      r.raw.append(buf_, 0, out.consumed);
      if (out.head_ready) r.head = parser_->take_response_head();
      for (std::string_view piece : out.body) {
        if (options.on_body) {
          options.on_body(piece);
        } else {
          r.body.append(piece);
        }
      }
      if (out.status == http::ParseStatus::kError) {
        r.error = "unparsable response: " + parser_->error().message;
        buf_.erase(0, out.consumed);
        return r;
      }
      buf_.erase(0, out.consumed);
      if (out.status == http::ParseStatus::kComplete || out.status == http::ParseStatus::kUpgrade) {
        r.trailers = std::move(out.trailers);
        r.complete = true;
        return r;
      }
      continue;
    }
    if (fill()) continue;
    if (timed_out_) {
      r.error = "no response within " + std::to_string(kHangGuardSeconds) + " s (hang guard)";
      return r;
    }
    r.closed = true;
    if (reset_) {
      r.error = "connection reset before the response was complete";
      return r;
    }
    http::ParseOutput out = parser_->finish();
    if (out.head_ready) r.head = parser_->take_response_head();
    if (out.status == http::ParseStatus::kComplete) {
      r.complete = true;
      r.trailers = std::move(out.trailers);
    } else {
      r.error = r.raw.empty() ? "connection closed without a response"
                              : "connection closed before the response was complete";
    }
    return r;
  }
}

void TestClient::restart_parser() {
  parser_ = std::make_unique<http::Parser>(http::MessageKind::kResponse, 1024 * 1024);
}

std::string TestClient::read_some(std::size_t max) {
  if (buf_.empty()) fill();
  std::string out = buf_.substr(0, max);
  buf_.erase(0, out.size());
  return out;
}

std::string TestClient::read_exact(std::size_t n) {
  while (buf_.size() < n && fill()) {
  }
  std::string out = buf_.substr(0, n);
  buf_.erase(0, out.size());
  return out;
}

std::string TestClient::read_until_eof() {
  while (fill()) {
  }
  return std::exchange(buf_, std::string());
}

bool TestClient::wait_closed() {
  if (!buf_.empty()) return false;
  if (fill()) return false;
  return eof_;
}

}  // namespace flowscope::testsupport
