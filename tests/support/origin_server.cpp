#include "tests/support/origin_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "core/http/serializer.hpp"
#include "tests/support/digest.hpp"

namespace flowscope::testsupport {

struct ConnectionState {
  std::size_t index = 0;
  int fd = -1;          // written under OriginServer::mutex_ only; read by the owner thread
  std::string buf;      // received, not yet parsed
  std::string pre_raw;  // consumed bytes of a head whose end has not arrived yet
  http::Parser parser{http::MessageKind::kRequest, 1024 * 1024};
  bool eof = false;   // nothing more will be read
  bool dead = false;  // fd closed
  bool close_after = false;
  bool message_complete = false;
  bool upgraded = false;
  std::size_t requests = 0;
};

namespace {

std::string_view default_reason(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 304:
      return "Not Modified";
    case 404:
      return "Not Found";
    case 500:
      return "Internal Server Error";
    default:
      return http::reason_phrase(status);
  }
}

bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

// ------------------------------------------------------------------------ Gate

Gate::Gate() : state_(std::make_shared<State>()) {}

void Gate::open() {
  {
    std::lock_guard lock(state_->mutex);
    state_->open = true;
  }
  state_->cv.notify_all();
}

bool Gate::is_open() const {
  std::lock_guard lock(state_->mutex);
  return state_->open;
}

void Gate::wait() const {
  std::unique_lock lock(state_->mutex);
  state_->cv.wait(lock, [&] { return state_->open; });
}

// -------------------------------------------------------------------- Exchange

const http::RequestHead& Exchange::head() const {
  return record_.head;
}

const std::string& Exchange::body() {
  if (!conn_.message_complete && !conn_.dead) server_.read_body(conn_, record_);
  return record_.body;
}

const http::Headers& Exchange::trailers() {
  body();
  return record_.trailers;
}

bool Exchange::body_complete() const {
  return conn_.message_complete;
}
std::size_t Exchange::connection_index() const {
  return record_.connection;
}
std::size_t Exchange::request_index() const {
  return record_.index;
}

bool Exchange::write(std::string_view bytes) {
  if (conn_.dead) return false;
  return send_all(conn_.fd, bytes);
}

bool Exchange::respond(int status, std::string_view body, const http::Headers& extra,
                       std::string_view reason) {
  http::ResponseHead head;
  head.status = status;
  head.reason = std::string(reason.empty() ? default_reason(status) : reason);
  head.headers = extra;
  const bool bodiless_status = status / 100 == 1 || status == 204 || status == 304;
  if (!bodiless_status && head.headers.find("Content-Length") == nullptr) {
    head.headers.add("Content-Length", std::to_string(body.size()));
  }
  std::string out = http::serialize(head);
  if (!bodiless_status && record_.head.method != "HEAD") out.append(body);
  return write(out);
}

void Exchange::close_after() {
  conn_.close_after = true;
}

void Exchange::reset() {
  server_.close_fd(conn_, true);
}

void Exchange::hold() {
  server_.hold_until_stopped();
}

bool Exchange::wait(const Gate& gate) {
  return server_.wait_gate(gate);
}

void Exchange::wait_for_peer_close() {
  while (!conn_.dead && server_.fill(conn_)) conn_.buf.clear();
}

RawConnection Exchange::raw() {
  return RawConnection(server_, conn_);
}

// --------------------------------------------------------------- RawConnection

std::size_t RawConnection::index() const {
  return conn_.index;
}

std::string RawConnection::read_some(std::size_t max) {
  if (conn_.buf.empty() && !server_.fill(conn_)) return {};
  std::string out = conn_.buf.substr(0, max);
  conn_.buf.erase(0, out.size());
  return out;
}

std::string RawConnection::read_until_eof() {
  while (server_.fill(conn_)) {
  }
  return std::exchange(conn_.buf, std::string());
}

std::string RawConnection::read_exact(std::size_t n) {
  while (conn_.buf.size() < n && server_.fill(conn_)) {
  }
  std::string out = conn_.buf.substr(0, n);
  conn_.buf.erase(0, out.size());
  return out;
}

std::string RawConnection::read_until(std::string_view delimiter) {
  std::size_t pos;
  while ((pos = conn_.buf.find(delimiter)) == std::string::npos && server_.fill(conn_)) {
  }
  const std::size_t n = pos == std::string::npos ? conn_.buf.size() : pos + delimiter.size();
  std::string out = conn_.buf.substr(0, n);
  conn_.buf.erase(0, n);
  return out;
}

bool RawConnection::write(std::string_view bytes) {
  if (conn_.dead) return false;
  return send_all(conn_.fd, bytes);
}

void RawConnection::shutdown_write() {
  if (!conn_.dead) ::shutdown(conn_.fd, SHUT_WR);
}

void RawConnection::reset() {
  server_.close_fd(conn_, true);
}
void RawConnection::hold() {
  server_.hold_until_stopped();
}
bool RawConnection::wait(const Gate& gate) {
  return server_.wait_gate(gate);
}

// ---------------------------------------------------------------- OriginServer

OriginServer::OriginServer(Handler handler) : handler_(std::move(handler)) {
  start();
}

OriginServer::OriginServer(Raw raw) : raw_handler_(std::move(raw.handler)) {
  start();
}

OriginServer::~OriginServer() {
  stop();
}

void OriginServer::start() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 128) != 0) {
    const std::string why = std::strerror(errno);
    ::close(listen_fd_);
    throw std::runtime_error("origin server: cannot listen on 127.0.0.1:0: " + why);
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  if (::pipe2(wake_pipe_, O_CLOEXEC) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  }
  acceptor_ = std::thread([this] { accept_loop(); });
}

std::string OriginServer::authority() const {
  return "127.0.0.1:" + std::to_string(port_);
}

std::string OriginServer::url(std::string_view path) const {
  return "http://" + authority() + std::string(path);
}

void OriginServer::stop() {
  std::vector<std::shared_ptr<Gate::State>> gates;
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    stopping_ = true;
    for (auto& conn : conns_) {
      if (conn->fd >= 0) ::shutdown(conn->fd, SHUT_RDWR);
    }
    gates.swap(waited_gates_);
  }
  changed_.notify_all();
  for (auto& gate : gates) {
    {
      std::lock_guard lock(gate->mutex);
      gate->open = true;
    }
    gate->cv.notify_all();
  }
  if (acceptor_.joinable()) {
    const char byte = 'x';
    ssize_t ignored = ::write(wake_pipe_[1], &byte, 1);
    (void)ignored;
    acceptor_.join();
    // The acceptor is gone, so threads_ no longer grows.
    for (auto& t : threads_) t.join();
    threads_.clear();
    ::close(listen_fd_);
    ::close(wake_pipe_[0]);
    ::close(wake_pipe_[1]);
    listen_fd_ = wake_pipe_[0] = wake_pipe_[1] = -1;
  }
}

bool OriginServer::stopping() const {
  std::lock_guard lock(mutex_);
  return stopping_;
}

void OriginServer::accept_loop() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    int rc = ::poll(fds, 2, -1);
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0 || (fds[1].revents & POLLIN) != 0) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::lock_guard lock(mutex_);
    if (stopping_) {
      ::close(fd);
      return;
    }
    auto conn = std::make_shared<ConnectionState>();
    conn->index = conns_.size();
    conn->fd = fd;
    conns_.push_back(conn);
    conn_records_.emplace_back();
    threads_.emplace_back([this, conn] { serve(conn); });
    changed_.notify_all();
  }
}

void OriginServer::serve(std::shared_ptr<ConnectionState> conn) {
  if (raw_handler_) {
    RawConnection raw(*this, *conn);
    raw_handler_(raw);
  } else {
    serve_http(*conn);
  }
  if (!conn->dead) graceful_close(*conn);
  {
    std::lock_guard lock(mutex_);
    conn_records_[conn->index].finished = true;
  }
  changed_.notify_all();
}

void OriginServer::serve_http(ConnectionState& conn) {
  for (;;) {
    ReceivedRequest* record = read_head(conn);
    if (record == nullptr) return;
    Exchange exchange(*this, conn, *record);
    handler_(exchange);
    if (conn.dead) return;
    if (!conn.message_complete && !read_body(conn, *record)) return;
    if (conn.close_after || conn.upgraded || !conn.parser.keep_alive()) return;
  }
}

bool OriginServer::fill(ConnectionState& conn) {
  if (conn.eof || conn.dead) return false;
  char buffer[64 * 1024];
  for (;;) {
    ssize_t n = ::recv(conn.fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n > 0) {
      conn.buf.append(buffer, static_cast<std::size_t>(n));
      std::lock_guard lock(mutex_);
      conn_records_[conn.index].raw.append(buffer, static_cast<std::size_t>(n));
      return true;
    }
    conn.eof = true;
    note_peer_closed(conn);
    return false;
  }
}

void OriginServer::note_peer_closed(ConnectionState& conn) {
  {
    std::lock_guard lock(mutex_);
    // After stop() shut the socket down, an EOF says nothing about the peer.
    if (stopping_) return;
    conn_records_[conn.index].peer_closed = true;
  }
  changed_.notify_all();
}

void OriginServer::absorb(ConnectionState& conn, ReceivedRequest* record,
                          const http::ParseOutput& out) {
  // Clamped: a parser reporting more than it was given must not make us read past the buffer.
  const std::size_t n = std::min(out.consumed, conn.buf.size());
  const std::string_view consumed(conn.buf.data(), n);
  {
    std::lock_guard lock(mutex_);
    if (record == nullptr) {
      conn.pre_raw.append(consumed);
    } else {
      record->raw.append(consumed);
      for (std::string_view piece : out.body) record->body.append(piece);
      if (out.status == http::ParseStatus::kComplete || out.status == http::ParseStatus::kUpgrade) {
        record->trailers = out.trailers;
        record->complete = true;
      }
    }
  }
  if (out.status == http::ParseStatus::kComplete || out.status == http::ParseStatus::kUpgrade) {
    conn.message_complete = true;
    if (out.status == http::ParseStatus::kUpgrade) conn.upgraded = true;
    changed_.notify_all();
  }
  conn.buf.erase(0, n);
}

ReceivedRequest* OriginServer::read_head(ConnectionState& conn) {
  if (conn.upgraded) return nullptr;
  for (;;) {
    if (!conn.buf.empty()) {
      http::ParseOutput out = conn.parser.feed(conn.buf);
      if (out.status == http::ParseStatus::kError) {
        {
          std::lock_guard lock(mutex_);
          errors_.push_back("connection " + std::to_string(conn.index) + ": " +
                            conn.parser.error().message);
        }
        send_all(conn.fd, http::simple_response(400, "Bad Request",
                                                "origin could not parse the request\n", {}, true));
        conn.close_after = true;
        return nullptr;
      }
      ReceivedRequest* record = nullptr;
      if (out.head_ready) {
        std::lock_guard lock(mutex_);
        ReceivedRequest& r = requests_.emplace_back();
        r.connection = conn.index;
        r.index = conn.requests++;
        r.head = conn.parser.take_request_head();
        r.raw = std::exchange(conn.pre_raw, std::string());
        record = &r;
        conn.message_complete = false;
      }
      absorb(conn, record, out);
      if (record != nullptr) {
        changed_.notify_all();
        return record;
      }
      if (!conn.buf.empty()) continue;
    }
    if (!fill(conn)) return nullptr;
  }
}

bool OriginServer::read_body(ConnectionState& conn, ReceivedRequest& record) {
  while (!conn.message_complete) {
    if (conn.buf.empty() && !fill(conn)) return false;
    http::ParseOutput out = conn.parser.feed(conn.buf);
    if (out.status == http::ParseStatus::kError) {
      std::lock_guard lock(mutex_);
      errors_.push_back("connection " + std::to_string(conn.index) + ": " +
                        conn.parser.error().message);
      return false;
    }
    absorb(conn, &record, out);
  }
  return true;
}

void OriginServer::close_fd(ConnectionState& conn, bool reset) {
  if (conn.dead) return;
  if (reset) {
    linger lin{1, 0};
    ::setsockopt(conn.fd, SOL_SOCKET, SO_LINGER, &lin, sizeof lin);
  }
  int fd;
  {
    std::lock_guard lock(mutex_);
    fd = conn.fd;
    conn.fd = -1;
  }
  conn.dead = true;
  conn.eof = true;
  ::close(fd);
}

void OriginServer::graceful_close(ConnectionState& conn) {
  if (conn.dead) return;
  // FIN first, then wait for the peer's: closing with unread input would reset.
  ::shutdown(conn.fd, SHUT_WR);
  while (fill(conn)) conn.buf.clear();
  close_fd(conn, false);
}

bool OriginServer::wait_gate(const Gate& gate) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    waited_gates_.push_back(gate.state_);
  }
  gate.wait();
  std::lock_guard lock(mutex_);
  return !stopping_;
}

void OriginServer::hold_until_stopped() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return stopping_; });
}

std::size_t OriginServer::connection_count() const {
  std::lock_guard lock(mutex_);
  return conns_.size();
}

std::vector<ConnectionRecord> OriginServer::connections() const {
  std::lock_guard lock(mutex_);
  return {conn_records_.begin(), conn_records_.end()};
}

std::vector<ReceivedRequest> OriginServer::requests() const {
  std::lock_guard lock(mutex_);
  return {requests_.begin(), requests_.end()};
}

std::vector<std::string> OriginServer::errors() const {
  std::lock_guard lock(mutex_);
  return errors_;
}

bool OriginServer::wait_for_requests(std::size_t n, int timeout_ms) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                           [&] { return requests_.size() >= n; });
}

bool OriginServer::wait_for_connections(std::size_t n, int timeout_ms) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                           [&] { return conns_.size() >= n; });
}

bool OriginServer::wait_for_peer_closes(std::size_t n, int timeout_ms) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] {
    std::size_t closed = 0;
    for (const auto& c : conn_records_) closed += c.peer_closed ? 1 : 0;
    return closed >= n;
  });
}

// ------------------------------------------------------------------ behaviours

OriginServer::Handler OriginServer::fixed(int status, std::string body, http::Headers extra) {
  return [status, body = std::move(body), extra = std::move(extra)](Exchange& ex) {
    ex.body();
    ex.respond(status, body, extra);
  };
}

OriginServer::Handler OriginServer::chunked(std::vector<std::string> pieces,
                                            http::Headers trailers) {
  return [pieces = std::move(pieces), trailers = std::move(trailers)](Exchange& ex) {
    ex.body();
    http::ResponseHead head;
    head.status = 200;
    head.reason = "OK";
    head.headers.add("Content-Type", "text/plain");
    head.headers.add("Transfer-Encoding", "chunked");
    if (!trailers.empty()) {
      std::string names;
      for (const auto& t : trailers.items) names += (names.empty() ? "" : ", ") + t.name;
      head.headers.add("Trailer", names);
    }
    std::string out = http::serialize(head);
    for (const auto& piece : pieces) http::append_chunk(out, piece);
    http::append_last_chunk(out, trailers);
    ex.write(out);
  };
}

OriginServer::Handler OriginServer::close_delimited(std::string body) {
  return [body = std::move(body)](Exchange& ex) {
    ex.body();
    ex.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n");
    ex.write(body);
    ex.close_after();
  };
}

OriginServer::Handler OriginServer::echo() {
  return [](Exchange& ex) {
    const std::string& body = ex.body();
    http::Headers extra;
    extra.add("X-Method", ex.head().method);
    extra.add("X-Target", ex.head().target);
    extra.add("X-Body-Size", std::to_string(body.size()));
    ex.respond(200, body, extra);
  };
}

OriginServer::Handler OriginServer::echo_digest() {
  return [](Exchange& ex) {
    const std::string& body = ex.body();
    ex.respond(200, std::to_string(body.size()) + " " + sha256_hex(body));
  };
}

OriginServer::Handler OriginServer::never_answer() {
  return [](Exchange& ex) {
    ex.body();
    // Reading on (and discarding) is what lets us see the proxy give up.
    ex.wait_for_peer_close();
  };
}

OriginServer::Handler OriginServer::reset() {
  return [](Exchange& ex) { ex.reset(); };
}

OriginServer::Handler OriginServer::head_aware(std::string body) {
  return [body = std::move(body)](Exchange& ex) {
    ex.body();
    http::Headers extra;
    extra.add("Content-Type", "text/plain");
    ex.respond(200, body, extra);  // respond() leaves the body out for HEAD
  };
}

OriginServer::Handler OriginServer::no_content() {
  return [](Exchange& ex) {
    ex.body();
    ex.respond(204, "");
  };
}

OriginServer::Handler OriginServer::not_modified() {
  return [](Exchange& ex) {
    ex.body();
    http::Headers extra;
    extra.add("ETag", "\"v1\"");
    ex.respond(304, "", extra);
  };
}

OriginServer::Handler OriginServer::continue_then_echo() {
  return [](Exchange& ex) {
    if (ex.head().headers.has_token("Expect", "100-continue")) {
      ex.write("HTTP/1.1 100 Continue\r\n\r\n");
    }
    echo()(ex);
  };
}

OriginServer::Handler OriginServer::slow(std::vector<std::string> pieces) {
  return [pieces = std::move(pieces)](Exchange& ex) {
    ex.body();
    std::size_t total = 0;
    for (const auto& p : pieces) total += p.size();
    ex.write("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(total) + "\r\n\r\n");
    for (const auto& p : pieces) {
      if (!ex.write(p)) return;
    }
  };
}

OriginServer::Handler OriginServer::large(std::uint64_t size, bool chunked) {
  return [size, chunked](Exchange& ex) {
    ex.body();
    std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n";
    head += chunked ? "Transfer-Encoding: chunked\r\n\r\n"
                    : "Content-Length: " + std::to_string(size) + "\r\n\r\n";
    if (!ex.write(head)) return;
    std::string block(64 * 1024, '\0');
    std::string framed;
    for (std::uint64_t off = 0; off < size;) {
      const std::size_t n =
          static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), size - off));
      fill_pattern(off, block.data(), n);
      off += n;
      std::string_view piece(block.data(), n);
      if (chunked) {
        framed.clear();
        http::append_chunk(framed, piece);
        piece = framed;
      }
      if (!ex.write(piece)) return;
    }
    if (chunked) ex.write("0\r\n\r\n");
  };
}

}  // namespace flowscope::testsupport
