#pragma once
// A loopback https origin for tests that need a real TLS peer behind the proxy.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <future>
#include <string>
#include <thread>

#include "tests/unit/tls/self_signed.hpp"

namespace flowscope::testsupport {

// An https origin for one connection: TLS with a self-signed certificate for
// `name`, reads one request head (and a Content-Length body), answers 200 with a
// body that echoes the request line.
class OneShotTlsOrigin {
 public:
  explicit OneShotTlsOrigin(const std::string& name) : identity_(tls::testing::make_self_signed(name)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 4);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~OneShotTlsOrigin() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::uint16_t port() const { return port_; }
  X509* cert() const { return identity_.cert.get(); }
  std::string received() { return received_.get_future().get(); }

 private:
  void serve() {
    const int conn = ::accept(fd_, nullptr, nullptr);
    if (conn < 0) {
      received_.set_value("");
      return;
    }
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate(ctx, identity_.cert.get());
    SSL_CTX_use_PrivateKey(ctx, identity_.key.get());
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, conn);
    std::string request;
    if (SSL_accept(ssl) == 1) {
      char buf[4096];
      std::size_t wanted = std::string::npos;
      while (wanted == std::string::npos || request.size() < wanted) {
        const int n = SSL_read(ssl, buf, sizeof buf);
        if (n <= 0) break;
        request.append(buf, static_cast<std::size_t>(n));
        const std::size_t end = request.find("\r\n\r\n");
        if (end != std::string::npos && wanted == std::string::npos) {
          const std::size_t cl = request.find("Content-Length: ");
          const std::size_t body = cl != std::string::npos && cl < end ? std::stoul(request.substr(cl + 16)) : 0;
          wanted = end + 4 + body;
        }
      }
      const std::string line = request.substr(0, request.find("\r\n"));
      const std::string response =
          "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(line.size()) + "\r\nConnection: close\r\n\r\n" + line;
      SSL_write(ssl, response.data(), static_cast<int>(response.size()));
      SSL_shutdown(ssl);
    }
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    ::close(conn);
    received_.set_value(request);
  }

  tls::testing::SelfSigned identity_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::promise<std::string> received_;
};

}  // namespace flowscope::testsupport
