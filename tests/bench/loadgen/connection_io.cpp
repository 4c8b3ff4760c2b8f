// The byte-moving half of Connection: writes, reads, TLS pumping and response parsing.
#include "connection.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <string>

#include "worker.hpp"

namespace flowscope::loadgen {

namespace {

constexpr size_t kBodyChunk = 64 * 1024;
// Plain bytes queued per uv_write (as iovecs over the shared body chunk): large enough that an
// upload costs few syscalls, and bounded, so an upload of any size takes no memory.
constexpr size_t kWriteBatch = 256 * 1024;
constexpr unsigned kMaxIov = 1 + kWriteBatch / kBodyChunk;
// Per-connection TLS buffering is kept smaller: the plaintext must be encrypted into a buffer of
// our own (plain writes reference the shared body chunk), and a thousand uploading connections
// should not hold half a gigabyte.
constexpr size_t kTlsBatch = 64 * 1024;
constexpr size_t kTlsOutMax = 2 * kTlsBatch;
constexpr size_t kTunnelReplyLimit = 16 * 1024;

// Request bodies are this one constant chunk sent repeatedly, so an upload of any size costs no
// memory and no copying on the plain path.
const char* body_chunk() {
  static const std::array<char, kBodyChunk> chunk = [] {
    std::array<char, kBodyChunk> bytes;
    bytes.fill('x');
    return bytes;
  }();
  return chunk.data();
}

// uv_write never writes through its buffers; uv_buf_t just lacks const.
uv_buf_t const_buf(const char* data, size_t len) {
  return uv_buf_init(const_cast<char*>(data), static_cast<unsigned>(len));
}

}  // namespace

// --- writing ---

void Connection::write(const uv_buf_t* bufs, unsigned count, size_t total) {
  write_req_.data = this;
  int rc = uv_write(&write_req_, reinterpret_cast<uv_stream_t*>(&tcp_), bufs, count, on_write);
  if (rc < 0) {
    fail(ErrorKind::kWrite, uv_strerror(rc));
    return;
  }
  write_in_flight_ = true;
  worker_.stats().tx_bytes += total;
}

void Connection::write_bytes(const char* data, size_t len) {
  uv_buf_t buf = const_buf(data, len);
  write(&buf, 1, len);
}

void Connection::on_write(uv_write_t* req, int status) {
  auto* self = static_cast<Connection*>(req->data);
  self->write_in_flight_ = false;
  if (self->phase_ == Phase::kClosing || self->phase_ == Phase::kIdle ||
      self->phase_ == Phase::kFinished) {
    return;
  }
  if (status < 0) {
    if (self->phase_ != Phase::kRequest) {
      self->fail(ErrorKind::kWrite, uv_strerror(status));
      return;
    }
    // A server may answer early (413, 401...) and close while the body is still going out. Stop
    // sending but keep reading: the response may already be on its way. The write error is
    // reported only if no response arrives.
    self->write_error_ = status;
    self->body_left_ = 0;
    return;
  }
  self->pump();
}

void Connection::pump() {
  if (write_error_ != 0) return;
  if (tls_.active()) {
    pump_tls();
  } else {
    pump_plain();
  }
}

// Head and the first body chunks go out in one writev; the rest follows a batch per callback.
void Connection::pump_plain() {
  if (write_in_flight_ || phase_ != Phase::kRequest) return;
  std::array<uv_buf_t, kMaxIov> bufs;
  unsigned count = 0;
  size_t total = 0;
  if (!head_sent_) {
    bufs[count++] = const_buf(head_->data(), head_->size());
    total += head_->size();
    head_sent_ = true;
  }
  while (body_left_ > 0 && count < kMaxIov && total < kWriteBatch) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(body_left_, kBodyChunk));
    bufs[count++] = const_buf(body_chunk(), n);
    body_left_ -= n;
    total += n;
    worker_.stats().req_body_bytes += n;
  }
  if (count > 0) write(bufs.data(), count, total);
}

void Connection::pump_tls() {
  if (phase_ == Phase::kRequest) {
    if (!head_sent_) {
      if (!tls_.write(head_->data(), head_->size())) {
        fail(ErrorKind::kTls, tls_.error());
        return;
      }
      head_sent_ = true;
    }
    while (body_left_ > 0 && tls_.pending_output() < kTlsBatch) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(body_left_, kBodyChunk));
      if (!tls_.write(body_chunk(), n)) {
        fail(ErrorKind::kTls, tls_.error());
        return;
      }
      body_left_ -= n;
      worker_.stats().req_body_bytes += n;
    }
  }
  flush_tls();
}

// Ciphertext is copied out of the BIO into a buffer that stays put until on_write: the BIO's own
// storage moves when OpenSSL appends to it.
void Connection::flush_tls() {
  if (write_in_flight_ || write_error_ != 0 || !tls_.active()) return;
  size_t pending = tls_.pending_output();
  if (pending == 0) return;
  size_t want = std::min(pending, kTlsOutMax);
  if (tls_out_capacity_ < want) {
    tls_out_capacity_ = std::max<size_t>(std::bit_ceil(want), 16 * 1024);
    tls_out_ = std::make_unique<char[]>(tls_out_capacity_);
  }
  size_t n = tls_.take_output(tls_out_.get(), want);
  if (n == 0) return;
  write_bytes(tls_out_.get(), n);
}

// --- reading ---

void Connection::on_alloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
  auto* self = static_cast<Connection*>(handle->data);
  *buf = uv_buf_init(self->worker_.read_buffer(), Worker::kReadBufferSize);
}

void Connection::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* self = static_cast<Connection*>(stream->data);
  if (nread == 0 || self->phase_ == Phase::kClosing) return;
  if (nread < 0) {
    if (nread == UV_EOF) {
      self->handle_eof();
    } else if (self->write_error_ != 0) {
      self->fail(ErrorKind::kWrite, uv_strerror(self->write_error_));
    } else {
      self->fail(ErrorKind::kRead, uv_strerror(static_cast<int>(nread)));
    }
    return;
  }
  self->worker_.stats().rx_bytes += static_cast<uint64_t>(nread);
  self->handle_bytes(buf->base, static_cast<size_t>(nread));
}

void Connection::handle_bytes(const char* data, size_t len) {
  if (phase_ == Phase::kTunnel) {
    handle_tunnel_reply(data, len);
  } else if (tls_.active()) {
    tls_.feed(data, len);
    drive_tls();
  } else {
    handle_plaintext(data, len);
  }
}

void Connection::handle_tunnel_reply(const char* data, size_t len) {
  size_t searched = tunnel_reply_.size() >= 3 ? tunnel_reply_.size() - 3 : 0;
  tunnel_reply_.append(data, len);
  size_t end = tunnel_reply_.find("\r\n\r\n", searched);
  if (end == std::string::npos) {
    if (tunnel_reply_.size() > kTunnelReplyLimit) {
      fail(ErrorKind::kProxy, "the proxy's CONNECT reply head is over 16 KiB");
    }
    return;
  }
  std::string_view status_line(tunnel_reply_.data(), tunnel_reply_.find("\r\n"));
  // "HTTP/1.x 2xx": any 2xx opens the tunnel.
  if (status_line.size() < 12 || !status_line.starts_with("HTTP/1.") || status_line[8] != ' ' ||
      status_line[9] != '2') {
    fail(ErrorKind::kProxy, "proxy refused CONNECT: \"" + std::string(status_line) + "\"");
    return;
  }
  start_tls();
  if (phase_ != Phase::kHandshake) return;
  // Bytes after the head are already the server's TLS (unusual: the client speaks first).
  size_t rest = end + 4;
  if (rest < tunnel_reply_.size())
    tls_.feed(tunnel_reply_.data() + rest, tunnel_reply_.size() - rest);
  drive_tls();
}

void Connection::drive_tls() {
  if (!tls_.established()) {
    TlsSession::Status status = tls_.handshake();
    flush_tls();
    if (phase_ != Phase::kHandshake) return;  // the flush failed
    switch (status) {
      case TlsSession::Status::kAgain:
        return;
      case TlsSession::Status::kClosed:
        fail(ErrorKind::kTls, "the server closed the connection during the TLS handshake");
        return;
      case TlsSession::Status::kFailed:
        fail(ErrorKind::kTls, tls_.error());
        return;
      case TlsSession::Status::kOk:
        ready();
        break;
    }
  }
  // Bounded: every kOk consumes buffered ciphertext, and the feed was finite.
  char* plain = worker_.plain_buffer();
  while (tls_.active()) {
    size_t got = 0;
    TlsSession::Status status = tls_.read(plain, Worker::kReadBufferSize, got);
    if (status == TlsSession::Status::kOk) {
      handle_plaintext(plain, got);
      continue;
    }
    if (status == TlsSession::Status::kClosed) {
      handle_eof();
      return;
    }
    if (status == TlsSession::Status::kFailed) {
      fail(ErrorKind::kTls, tls_.error());
      return;
    }
    break;  // kAgain
  }
  flush_tls();  // SSL_read can produce output (key updates, alerts)
}

void Connection::handle_plaintext(const char* data, size_t len) {
  if (phase_ != Phase::kRequest) {
    fail(ErrorKind::kParse, "the server sent data with no request outstanding");
    return;
  }
  response_started_ = true;
  llhttp_errno_t err = llhttp_execute(&parser_, data, len);
  // on_message_complete pauses the parser, so the bytes after a response are left unparsed; with
  // no pipelining a well-behaved server sends none.
  if (response_done_) {
    complete_request();
    return;
  }
  if (err != HPE_OK) {
    fail(ErrorKind::kParse, std::string("bad response: ") + llhttp_errno_name(err) + ": " +
                                llhttp_get_error_reason(&parser_));
  }
}

void Connection::handle_eof() {
  switch (phase_) {
    case Phase::kRequest:
      // A body delimited by the close ends here; llhttp_finish completes it or says it is cut.
      llhttp_finish(&parser_);
      if (response_done_) {
        complete_request();
      } else if (write_error_ != 0) {
        fail(ErrorKind::kWrite, uv_strerror(write_error_));
      } else if (requests_on_connection_ > 1 && !response_started_) {
        // The server dropped an idle keep-alive connection as the request went out (a client
        // would retry); reported apart so it is not mistaken for a cut response.
        fail(ErrorKind::kEof, "the server closed a reused keep-alive connection without answering");
      } else {
        fail(ErrorKind::kEof, "the server closed the connection before the response was complete");
      }
      return;
    case Phase::kTunnel:
      fail(ErrorKind::kProxy, "the proxy closed the connection before answering CONNECT");
      return;
    case Phase::kHandshake:
      fail(ErrorKind::kTls, "the server closed the connection during the TLS handshake");
      return;
    case Phase::kReady:
      close_socket();  // an idle keep-alive connection closed by the server: no request lost
      return;
    default:
      return;
  }
}

// --- llhttp callbacks ---

int Connection::on_headers_complete(llhttp_t* parser) {
  auto* self = static_cast<Connection*>(parser->data);
  self->status_ = parser->status_code;
  if (self->status_ >= 100 && self->status_ < 200 && self->status_ != 101) {
    self->interim_ = true;  // 100 Continue and friends: the real response follows
    return 0;
  }
  return self->head_request_ ? 1 : 0;  // 1: a HEAD response has no body whatever it announces
}

int Connection::on_body(llhttp_t* parser, const char*, size_t len) {
  // Bodies are counted, never copied.
  static_cast<Connection*>(parser->data)->worker_.stats().resp_body_bytes += len;
  return 0;
}

int Connection::on_message_complete(llhttp_t* parser) {
  auto* self = static_cast<Connection*>(parser->data);
  if (self->interim_) {
    self->interim_ = false;
    return 0;
  }
  self->response_done_ = true;
  // Read here: llhttp resets its flags once this callback returns.
  self->keep_alive_ = llhttp_should_keep_alive(parser) != 0;
  return HPE_PAUSED;
}

}  // namespace flowscope::loadgen
