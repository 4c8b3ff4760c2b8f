#include "core/net/tcp_stream.hpp"

#include "core/net/uv_util.hpp"

namespace flowscope::net {

namespace {
TcpStream* self(void* data) { return static_cast<TcpStream*>(data); }

// Reads land in one buffer per thread: handlers copy what they keep, so a read
// never allocates.
void alloc_read_buffer(uv_handle_t*, std::size_t, uv_buf_t* buf) {
  static thread_local char buffer[64 * 1024];
  *buf = uv_buf_init(buffer, sizeof buffer);
}

// A uv_write whose bytes live until its callback. `pieces` holds the strings the
// caller moved in; the bufs point past what uv_try_write already sent.
struct QueuedWrite {
  uv_write_t req;
  TcpStream* stream;
  std::vector<std::string> pieces;
};

// Scratch for the uv_buf_t array: libuv copies it inside uv_write, and no
// callback can run while write() fills it, so one per thread is enough.
std::vector<uv_buf_t>& scratch_bufs() {
  static thread_local std::vector<uv_buf_t> bufs;
  bufs.clear();
  return bufs;
}
}  // namespace

TcpStreamPtr TcpStream::open(uv_loop_t* loop, Handler* handler) {
  auto* s = new TcpStream(handler);
  // Cannot fail: with AF_UNSPEC no socket exists until accept or connect.
  uv_tcp_init(loop, &s->tcp_);
  s->tcp_.data = s;
  return TcpStreamPtr(s);
}

int TcpStream::accept(uv_stream_t* server) {
  int rc = uv_accept(server, stream());
  if (rc == 0) uv_tcp_nodelay(&tcp_, 1);
  return rc;
}

int TcpStream::connect(const sockaddr* address) {
  connect_req_.data = this;
  int rc = uv_tcp_connect(&connect_req_, &tcp_, address, &TcpStream::on_connect);
  if (rc == 0) uv_tcp_nodelay(&tcp_, 1);
  return rc;
}

void TcpStream::on_connect(uv_connect_t* req, int status) {
  TcpStream* s = self(req->data);
  if (s->handler_ != nullptr) s->handler_->on_stream_connected(status);
}

// ------------------------------------------------------------------ reading

void TcpStream::set_reading(bool reading) {
  if (closing_ || read_ended_ || reading == reading_) return;
  reading_ = reading;
  if (reading) {
    uv_read_start(stream(), &alloc_read_buffer, &TcpStream::on_read);
  } else {
    uv_read_stop(stream());
  }
}

void TcpStream::on_read(uv_stream_t* st, ssize_t nread, const uv_buf_t* buf) {
  TcpStream* s = self(st->data);
  if (s->handler_ == nullptr) return;
  if (nread > 0) {
    s->handler_->on_stream_data(std::string_view(buf->base, static_cast<std::size_t>(nread)));
  } else if (nread < 0) {
    // After EOF or an error the socket stays readable forever: stop before telling anyone.
    uv_read_stop(st);
    s->reading_ = false;
    s->read_ended_ = true;
    s->handler_->on_stream_end(static_cast<int>(nread));
  }
}

// ------------------------------------------------------------------ writing

int TcpStream::write(std::vector<std::string> pieces) {
  if (closing_ || write_shut_) return UV_EPIPE;
  std::vector<uv_buf_t>& bufs = scratch_bufs();
  std::size_t total = 0;
  for (auto& piece : pieces) {
    if (piece.empty()) continue;
    bufs.push_back(uv_buf_init(piece.data(), static_cast<unsigned>(piece.size())));
    total += piece.size();
  }
  if (total == 0) return 0;

  // Most writes fit the socket buffer: then nothing is allocated and no callback
  // is needed. uv_try_write refuses (UV_EAGAIN) while earlier writes are still
  // queued, so the order of bytes is kept.
  int sent = uv_try_write(stream(), bufs.data(), static_cast<unsigned>(bufs.size()));
  if (sent < 0) sent = 0;  // a real error comes back again, asynchronously, from uv_write below
  if (static_cast<std::size_t>(sent) == total) return 0;

  std::size_t skip = static_cast<std::size_t>(sent);
  std::size_t first = 0;
  while (skip >= bufs[first].len) skip -= bufs[first++].len;
  bufs[first].base += skip;
  bufs[first].len -= static_cast<unsigned>(skip);

  auto* w = new QueuedWrite{{}, this, std::move(pieces)};  // moving a string keeps its buffer
  w->req.data = w;
  int rc = uv_write(&w->req, stream(), bufs.data() + first, static_cast<unsigned>(bufs.size() - first),
                    &TcpStream::on_write);
  if (rc != 0) delete w;
  return rc;
}

void TcpStream::on_write(uv_write_t* req, int status) {
  auto* w = static_cast<QueuedWrite*>(req->data);
  TcpStream* s = w->stream;
  delete w;
  if (s->handler_ != nullptr) s->handler_->on_stream_written(status);
}

std::size_t TcpStream::write_queue_size() const {
  return uv_stream_get_write_queue_size(reinterpret_cast<const uv_stream_t*>(&tcp_));
}

int TcpStream::shutdown_write() {
  if (closing_ || write_shut_) return UV_EPIPE;
  write_shut_ = true;
  shutdown_req_.data = this;
  int rc = uv_shutdown(&shutdown_req_, stream(), &TcpStream::on_shutdown);
  shutdown_pending_ = rc == 0;
  return rc;
}

void TcpStream::on_shutdown(uv_shutdown_t* req, int status) {
  TcpStream* s = self(req->data);
  s->shutdown_pending_ = false;
  if (s->handler_ != nullptr) s->handler_->on_stream_shutdown(status);
}

// ------------------------------------------------------------------ closing

std::string TcpStream::peer_address() const { return net::peer_address(&tcp_); }
std::string TcpStream::local_ip() const { return net::local_ip(&tcp_); }

void TcpStream::close() {
  if (closing_) return;
  closing_ = true;
  handler_ = nullptr;
  // libuv runs the cancelled write/shutdown/connect callbacks first (they see no
  // handler and only free their requests), then this one.
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), [](uv_handle_t* h) { delete self(h->data); });
}

}  // namespace flowscope::net
