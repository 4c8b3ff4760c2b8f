#include "tests/support/proxy_harness.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "core/base64.hpp"

namespace flowscope::testsupport {

void RecordingSink::on_flow(const flow::Flow& flow) {
  flow::MemorySink::on_flow(flow);
  {
    std::lock_guard lock(mutex_);
    ++count_;
  }
  changed_.notify_all();
}

void RecordingSink::flush() {
  {
    std::lock_guard lock(mutex_);
    ++flushes_;
  }
  changed_.notify_all();
}

std::vector<flow::Flow> RecordingSink::wait_for_flows(std::size_t count, int timeout_ms) const {
  {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return count_ >= count; });
  }
  return flows();
}

int RecordingSink::flush_count() const {
  std::lock_guard lock(mutex_);
  return flushes_;
}

proxy::Config test_config() {
  proxy::Config config;
  config.listen_host = "127.0.0.1";
  config.listen_port = 0;
  config.threads = 1;
  return config;
}

Result<RunningProxy> start_proxy(proxy::Config config) {
  RunningProxy running;
  running.sink = std::make_shared<RecordingSink>();
  auto server = net::ProxyServer::start(std::move(config), running.sink);
  if (!server) return std::unexpected(server.error());
  running.server = std::move(*server);
  return running;
}

std::string basic_credentials(const std::string& user_colon_pass) {
  return "Basic " + flowscope::base64_encode(user_colon_pass);
}

namespace {
int bound_loopback_socket(std::uint16_t* port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *port = ntohs(addr.sin_port);
  return fd;
}
}  // namespace

RefusingPort::RefusingPort() {
  fd_ = bound_loopback_socket(&port_);
}

RefusingPort::~RefusingPort() {
  if (fd_ >= 0) ::close(fd_);
}

BlackholePort::BlackholePort() {
  listen_fd_ = bound_loopback_socket(&port_);
  if (listen_fd_ < 0 || ::listen(listen_fd_, 0) != 0) {
    why_not_ = std::string("cannot listen: ") + std::strerror(errno);
    return;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port_);
  // With backlog 0 Linux queues one established connection; the next SYN is
  // dropped while the queue is full (tcp_abort_on_overflow=0, the default).
  for (int i = 0; i < 2; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) break;
    fillers_.push_back(fd);
    ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  }
  // For a listener, TCP_INFO reports the accept queue length in tcpi_unacked and
  // its limit in tcpi_sacked. Wait (bounded) until the kernel shows it full.
  for (int attempt = 0; attempt < 100'000; ++attempt) {
    tcp_info info{};
    socklen_t len = sizeof info;
    if (::getsockopt(listen_fd_, IPPROTO_TCP, TCP_INFO, &info, &len) != 0) {
      why_not_ = std::string("TCP_INFO on a listener: ") + std::strerror(errno);
      return;
    }
    if (info.tcpi_unacked > info.tcpi_sacked) {
      ready_ = true;
      return;
    }
    std::this_thread::yield();
  }
  why_not_ = "the accept queue never filled";
}

BlackholePort::~BlackholePort() {
  for (int fd : fillers_) ::close(fd);
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

}  // namespace flowscope::testsupport
