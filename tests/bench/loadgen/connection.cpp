// The lifecycle half of Connection: connect, requests, completion, failure, close.
#include "connection.hpp"

#include <string>

#include "worker.hpp"

namespace flowscope::loadgen {

Connection::Connection(Worker& worker)
    : worker_(worker), head_request_(worker.options().method == "HEAD") {
  llhttp_settings_init(&parser_settings_);
  parser_settings_.on_headers_complete = on_headers_complete;
  parser_settings_.on_body = on_body;
  parser_settings_.on_message_complete = on_message_complete;
}

void Connection::start() {
  uv_timer_init(worker_.loop(), &timer_);
  timer_.data = this;
  next();
}

void Connection::abort() {
  switch (phase_) {
    case Phase::kClosing:
    case Phase::kFinished:
      return;
    case Phase::kIdle:
      finish();
      return;
    default:
      close_socket();  // the callback finds the worker stopping and finishes
  }
}

void Connection::next() {
  if (!worker_.acquire()) {
    finish();
    return;
  }
  open();
}

void Connection::open() {
  origin_ = &worker_.next_origin();
  head_index_ = 0;
  connect_start_ns_ = uv_hrtime();
  if (int rc = uv_tcp_init(worker_.loop(), &tcp_); rc < 0) {
    // No handle to close, so there is no callback to continue from: this slot stops here rather
    // than spin on a loop that has run out of descriptors.
    worker_.stats().add_error(ErrorKind::kConnect,
                              std::string("cannot create a socket: ") + uv_strerror(rc));
    finish();
    return;
  }
  tcp_.data = this;
  phase_ = Phase::kConnecting;
  write_error_ = 0;
  requests_on_connection_ = 0;
  uv_tcp_nodelay(&tcp_, 1);
  llhttp_init(&parser_, HTTP_RESPONSE, &parser_settings_);
  parser_.data = this;
  arm_timer();
  connect_req_.data = this;
  int rc = uv_tcp_connect(&connect_req_, &tcp_,
                          reinterpret_cast<const sockaddr*>(&origin_->address), on_connect);
  if (rc < 0)
    fail(ErrorKind::kConnect, uv_strerror(rc) + (" connecting to " + origin_->address_text));
}

void Connection::on_connect(uv_connect_t* req, int status) {
  auto* self = static_cast<Connection*>(req->data);
  if (self->phase_ != Phase::kConnecting) return;  // closed meanwhile; status is UV_ECANCELED
  if (status < 0) {
    self->fail(ErrorKind::kConnect,
               uv_strerror(status) + (" connecting to " + self->origin_->address_text));
    return;
  }
  self->connected();
}

void Connection::connected() {
  uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), on_alloc, on_read);
  if (!origin_->connect_head.empty()) {
    phase_ = Phase::kTunnel;
    tunnel_reply_.clear();
    write_bytes(origin_->connect_head.data(), origin_->connect_head.size());
  } else if (origin_->tls) {
    start_tls();
    if (phase_ == Phase::kHandshake) drive_tls();  // the client speaks first
  } else {
    ready();
  }
}

void Connection::start_tls() {
  phase_ = Phase::kHandshake;
  auto begun = tls_.begin(worker_.tls_context(), origin_->host, !worker_.options().insecure);
  if (!begun) fail(ErrorKind::kTls, begun.error());
}

void Connection::ready() {
  worker_.stats().connect_ns.record(uv_hrtime() - connect_start_ns_);
  ++worker_.stats().connections;
  send_request();  // next() took this request's ticket before connecting
}

void Connection::send_request() {
  const Options& options = worker_.options();
  phase_ = Phase::kRequest;
  head_ = &origin_->request_heads[head_index_];
  head_index_ = (head_index_ + 1) % origin_->request_heads.size();
  head_sent_ = false;
  body_left_ = options.body_size;
  response_done_ = false;
  response_started_ = false;
  ++requests_on_connection_;
  interim_ = false;
  status_ = 0;
  // With a connection per request, the request's cost includes its connect and handshake.
  request_start_ns_ = options.new_connection ? connect_start_ns_ : uv_hrtime();
  if (llhttp_get_errno(&parser_) == HPE_PAUSED) llhttp_resume(&parser_);
  if (!options.new_connection) arm_timer();
  pump();
}

void Connection::complete_request() {
  uv_timer_stop(&timer_);
  Stats& stats = worker_.stats();
  stats.latency_ns.record(uv_hrtime() - request_start_ns_);
  ++stats.completed;
  int status_class = status_ / 100;
  ++stats.status_classes[status_class >= 1 && status_class <= 5 ? status_class : 0];
  phase_ = Phase::kReady;
  // An early response (the body is not all sent) leaves the stream mid-request: not reusable.
  bool reusable =
      keep_alive_ && !worker_.options().new_connection && body_left_ == 0 && write_error_ == 0;
  if (reusable && worker_.acquire()) {
    send_request();
    return;
  }
  close_socket();  // the close callback opens the next connection if the budget allows
}

void Connection::fail(ErrorKind kind, std::string_view message) {
  if (phase_ == Phase::kClosing || phase_ == Phase::kFinished || phase_ == Phase::kIdle) return;
  worker_.stats().add_error(kind, message);
  close_socket();
}

void Connection::close_socket() {
  phase_ = Phase::kClosing;
  uv_timer_stop(&timer_);
  tls_.reset();
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), on_tcp_closed);
}

void Connection::on_tcp_closed(uv_handle_t* handle) {
  auto* self = static_cast<Connection*>(handle->data);
  self->write_in_flight_ = false;  // its callback ran (cancelled) before this one
  self->phase_ = Phase::kIdle;
  self->next();
}

void Connection::finish() {
  phase_ = Phase::kFinished;
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), on_timer_closed);
}

void Connection::on_timer_closed(uv_handle_t* handle) {
  static_cast<Connection*>(handle->data)->worker_.connection_finished();
}

void Connection::arm_timer() {
  uint64_t timeout = worker_.options().timeout_ms;
  if (timeout > 0) uv_timer_start(&timer_, on_timeout, timeout, 0);
}

void Connection::on_timeout(uv_timer_t* timer) {
  auto* self = static_cast<Connection*>(timer->data);
  const char* where = "receiving the response";
  switch (self->phase_) {
    case Phase::kConnecting:
      where = "connecting";
      break;
    case Phase::kTunnel:
      where = "waiting for the proxy's CONNECT reply";
      break;
    case Phase::kHandshake:
      where = "doing the TLS handshake";
      break;
    default:
      break;
  }
  self->fail(ErrorKind::kTimeout, "request not complete after " +
                                      std::to_string(self->worker_.options().timeout_ms) +
                                      " ms, still " + where + " (raise --timeout-ms, 0 = none)");
}

}  // namespace flowscope::loadgen
