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
  // Each attempt gets a fresh stream; resetting closes the failed one, which frees itself.
  stream_ = TcpStream::open(loop_, this);
  int rc = stream_->connect(reinterpret_cast<const sockaddr*>(&addr));
  if (rc != 0) {
    last_error_ = server_address_ + ": " + uv_message(rc);
    fail(rc == UV_ECONNREFUSED ? proxy::UpstreamFailureKind::kRefused : proxy::UpstreamFailureKind::kOther,
         last_error_);
  }
}

void Upstream::on_stream_connected(int status) {
  if (closing_) return;
  if (status == 0) {
    connected_ = true;
    uv_timer_stop(&timer_);
    proxy::UpstreamInfo info;
    info.server_address = server_address_;
    info.dns_ms = dns_ms_;
    info.connect_ms = ms_since(resolved_ns_);
    if (listener_) listener_->on_upstream_connected(*this, info);
  } else {
    last_error_ = server_address_ + ": " + uv_message(status);
    if (next_address_ < addresses_.size()) {
      try_next_address();
    } else {
      fail(status == UV_ECONNREFUSED ? proxy::UpstreamFailureKind::kRefused : proxy::UpstreamFailureKind::kOther,
           last_error_);
    }
  }
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

void Upstream::on_stream_data(std::string_view data) {
  if (listener_) listener_->on_upstream_data(*this, data);
}

void Upstream::on_stream_end(int status) {
  if (listener_ == nullptr) return;
  if (status == UV_EOF) {
    listener_->on_upstream_eof(*this);
  } else {
    listener_->on_upstream_error(*this, uv_message(status));
  }
}

void Upstream::set_reading(bool reading) {
  if (connected_ && !closing_) stream_->set_reading(reading);
}

void Upstream::write(std::vector<std::string> pieces) {
  if (closing_ || !connected_ || stream_->write_shut() || pieces.empty()) return;
  int rc = stream_->write(std::move(pieces));
  if (rc != 0 && listener_) listener_->on_upstream_error(*this, uv_message(rc));
}

void Upstream::on_stream_written(int status) {
  if (listener_ == nullptr) return;
  if (status == 0) {
    listener_->on_upstream_drained(*this);
  } else {
    listener_->on_upstream_error(*this, uv_message(status));
  }
}

std::size_t Upstream::write_queue_size() const { return connected_ ? stream_->write_queue_size() : 0; }

void Upstream::shutdown_write() {
  if (!closing_ && connected_) stream_->shutdown_write();
}

void Upstream::close() {
  if (closing_) return;
  closing_ = true;
  listener_ = nullptr;
  if (resolving_) uv_cancel(reinterpret_cast<uv_req_t*>(&resolve_req_));
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), [](uv_handle_t* h) { self(h->data)->release_ref(); });
  stream_.reset();
}

void Upstream::release_ref() {
  if (--refs_ == 0 && closing_) delete this;
}

}  // namespace flowscope::net
