#include "core/net/upstream.hpp"

#include <cstring>

#include "core/http/message.hpp"
#include "core/net/uv_util.hpp"

namespace flowscope::net {

namespace {
Upstream* self(void* data) { return static_cast<Upstream*>(data); }
double ms_since(std::uint64_t from_ns) { return static_cast<double>(uv_hrtime() - from_ns) / 1e6; }
}  // namespace

Upstream* Upstream::create(uv_loop_t* loop, std::string host, std::uint16_t port) {
  return new Upstream(loop, std::move(host), port);
}

Upstream::Upstream(uv_loop_t* loop, std::string host, std::uint16_t port)
    : loop_(loop), host_(std::move(host)), port_(port) {
  uv_timer_init(loop_, &timer_);
  timer_.data = this;
  ++refs_;  // the timer handle, until its close callback
}

void Upstream::connect(const proxy::Config& config, UpstreamListener* listener) {
  listener_ = listener;
  started_ns_ = uv_hrtime();
  timeout_ms_ = config.connect_timeout_ms;
  uv_timer_start(&timer_, &Upstream::on_timeout, timeout_ms_, 0);

  // --resolve HOST:PORT:ADDR wins over DNS, as in curl.
  std::string target = host_;
  for (const auto& o : config.resolve) {
    if (o.port == port_ && http::iequals(o.host, host_)) {
      target = o.address;
      break;
    }
  }
  sockaddr_storage literal;
  if (parse_ip_literal(target, port_, &literal)) {
    addresses_.push_back(literal);
    try_next_address();
    return;
  }
  resolve();
}

void Upstream::resolve() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG;
  resolve_req_.data = this;
  const std::string service = std::to_string(port_);
  int rc = uv_getaddrinfo(loop_, &resolve_req_, &Upstream::on_resolved, host_.c_str(), service.c_str(), &hints);
  if (rc != 0) {
    fail(proxy::UpstreamFailureKind::kDns, "DNS lookup failed: " + uv_message(rc));
    return;
  }
  resolving_ = true;
  ++refs_;
}

void Upstream::on_resolved(uv_getaddrinfo_t* req, int status, addrinfo* result) {
  Upstream* u = self(req->data);
  u->resolving_ = false;
  if (!u->closing_) {
    if (status != 0) {
      u->fail(proxy::UpstreamFailureKind::kDns, "DNS lookup failed: " + uv_message(status));
    } else {
      u->dns_ms_ = ms_since(u->started_ns_);
      for (addrinfo* ai = result; ai != nullptr; ai = ai->ai_next) {
        sockaddr_storage storage{};
        std::memcpy(&storage, ai->ai_addr, ai->ai_addrlen);
        u->addresses_.push_back(storage);
      }
      u->try_next_address();
    }
  }
  uv_freeaddrinfo(result);
  u->release_ref();
}

void Upstream::try_next_address() {
  if (next_address_ >= addresses_.size()) {
    fail(last_error_.find("refused") != std::string::npos ? proxy::UpstreamFailureKind::kRefused
                                                          : proxy::UpstreamFailureKind::kOther,
         last_error_.empty() ? "no address for " + host_ : last_error_);
    return;
  }
  const sockaddr_storage& addr = addresses_[next_address_++];
  resolved_ns_ = uv_hrtime();
  server_address_ = format_address(reinterpret_cast<const sockaddr*>(&addr));
  uv_tcp_init(loop_, &tcp_);
  tcp_.data = this;
  tcp_open_ = true;
  ++refs_;
  uv_tcp_nodelay(&tcp_, 1);
  connect_req_.data = this;
  int rc = uv_tcp_connect(&connect_req_, &tcp_, reinterpret_cast<const sockaddr*>(&addr), &Upstream::on_connect);
  if (rc != 0) {
    last_error_ = server_address_ + ": " + uv_message(rc);
    fail(rc == UV_ECONNREFUSED ? proxy::UpstreamFailureKind::kRefused : proxy::UpstreamFailureKind::kOther,
         last_error_);
    return;
  }
  ++refs_;
}

void Upstream::on_connect(uv_connect_t* req, int status) {
  Upstream* u = self(req->data);
  if (!u->closing_) {
    if (status == 0) {
      u->connected_ = true;
      uv_timer_stop(&u->timer_);
      proxy::UpstreamInfo info;
      info.server_address = u->server_address_;
      info.dns_ms = u->dns_ms_;
      info.connect_ms = ms_since(u->resolved_ns_);
      if (u->listener_) u->listener_->on_upstream_connected(*u, info);
    } else {
      u->last_error_ = u->server_address_ + ": " + uv_message(status);
      if (u->next_address_ < u->addresses_.size()) {
        // The next attempt needs a fresh handle, which exists only after this one's close callback.
        u->tcp_open_ = false;
        uv_close(reinterpret_cast<uv_handle_t*>(&u->tcp_), [](uv_handle_t* h) {
          Upstream* up = self(h->data);
          if (!up->closing_) up->try_next_address();
          up->release_ref();
        });
      } else {
        u->fail(status == UV_ECONNREFUSED ? proxy::UpstreamFailureKind::kRefused : proxy::UpstreamFailureKind::kOther,
                u->last_error_);
      }
    }
  }
  u->release_ref();
}

void Upstream::fail(proxy::UpstreamFailureKind kind, std::string message) {
  if (closing_) return;
  UpstreamListener* listener = listener_;
  listener_ = nullptr;
  if (listener) listener->on_upstream_failed(*this, proxy::UpstreamFailure{kind, std::move(message)});
}

void Upstream::on_timeout(uv_timer_t* timer) {
  Upstream* u = self(timer->data);
  if (u->connected_ || u->closing_) return;
  u->fail(proxy::UpstreamFailureKind::kTimeout, "timed out after " + std::to_string(u->timeout_ms_) + " ms");
}

void Upstream::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  Upstream* u = self(stream->data);
  if (u->closing_ || u->listener_ == nullptr) return;
  if (nread > 0) {
    u->listener_->on_upstream_data(*u, std::string_view(buf->base, static_cast<std::size_t>(nread)));
  } else if (nread == UV_EOF) {
    u->set_reading(false);
    u->eof_ = true;
    u->listener_->on_upstream_eof(*u);
  } else if (nread < 0) {
    u->set_reading(false);
    u->eof_ = true;
    u->listener_->on_upstream_error(*u, uv_message(static_cast<int>(nread)));
  }
}

void Upstream::set_reading(bool reading) {
  // After EOF the socket stays readable forever: reading again would spin the loop.
  if (!connected_ || closing_ || eof_ || reading == reading_) return;
  reading_ = reading;
  auto* stream = reinterpret_cast<uv_stream_t*>(&tcp_);
  if (reading) {
    uv_read_start(stream, &alloc_read_buffer, &Upstream::on_read);
  } else {
    uv_read_stop(stream);
  }
}

void Upstream::write(std::vector<std::string> pieces) {
  if (closing_ || !connected_ || shut_down_ || pieces.empty()) return;
  int rc = start_write(reinterpret_cast<uv_stream_t*>(&tcp_), std::move(pieces), this, &Upstream::on_write);
  if (rc != 0) {
    if (listener_) listener_->on_upstream_error(*this, uv_message(rc));
    return;
  }
  ++refs_;
}

void Upstream::on_write(uv_write_t* req, int status) {
  auto* w = static_cast<WriteRequest*>(req->data);
  Upstream* u = self(w->owner);
  delete w;
  if (!u->closing_ && u->listener_) {
    if (status != 0 && status != UV_ECANCELED) {
      u->listener_->on_upstream_error(*u, uv_message(status));
    } else if (status == 0) {
      u->listener_->on_upstream_drained(*u);
    }
  }
  u->release_ref();
}

std::size_t Upstream::write_queue_size() const {
  return connected_ ? uv_stream_get_write_queue_size(reinterpret_cast<const uv_stream_t*>(&tcp_)) : 0;
}

void Upstream::shutdown_write() {
  if (closing_ || !connected_ || shut_down_) return;
  shut_down_ = true;
  shutdown_req_.data = this;
  if (uv_shutdown(&shutdown_req_, reinterpret_cast<uv_stream_t*>(&tcp_), &Upstream::on_shutdown) == 0) ++refs_;
}

void Upstream::on_shutdown(uv_shutdown_t* req, int) { self(req->data)->release_ref(); }

void Upstream::close() {
  if (closing_) return;
  closing_ = true;
  listener_ = nullptr;
  if (resolving_) uv_cancel(reinterpret_cast<uv_req_t*>(&resolve_req_));
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), [](uv_handle_t* h) { self(h->data)->release_ref(); });
  if (tcp_open_) {
    tcp_open_ = false;
    uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), [](uv_handle_t* h) { self(h->data)->release_ref(); });
  }
}

void Upstream::release_ref() {
  if (--refs_ == 0 && closing_) delete this;
}

}  // namespace flowscope::net
