#pragma once

#include <openssl/ssl.h>

#include <cstddef>
#include <expected>
#include <memory>
#include <string>

namespace flowscope::loadgen {

struct SslCtxDeleter {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxDeleter>;

// Client context: TLS 1.2+, ALPN http/1.1 only (we speak nothing else), and either no
// verification or verification against `cacert` (empty: the system store).
std::expected<SslCtxPtr, std::string> make_client_context(bool insecure, const std::string& cacert);

// A client TLS session over two memory BIOs: the socket code feeds ciphertext in and takes
// ciphertext out, so TLS never touches the socket and works the same inside a CONNECT tunnel.
class TlsSession {
 public:
  enum class Status { kOk, kAgain, kClosed, kFailed };

  TlsSession() = default;
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;
  ~TlsSession() { reset(); }

  // Starts a handshake with SNI and (when verifying) hostname or IP checks for `host`.
  std::expected<void, std::string> begin(SSL_CTX* ctx, const std::string& host, bool verify);
  void reset();
  bool active() const { return ssl_ != nullptr; }
  bool established() const { return established_; }

  void feed(const char* data, size_t len);
  Status handshake();
  // kOk with got > 0, kAgain when no whole record is buffered, kClosed on close_notify.
  Status read(char* buf, size_t cap, size_t& got);
  // Memory BIOs never block, so the whole buffer is always taken unless the session failed.
  bool write(const char* data, size_t len);
  size_t pending_output() const;
  size_t take_output(char* buf, size_t cap);
  // Why the last kFailed happened, with the verification result when that was the cause.
  const std::string& error() const { return error_; }

 private:
  Status classify(int rc, const char* what);

  SSL* ssl_ = nullptr;
  BIO* rbio_ = nullptr;  // ciphertext from the peer
  BIO* wbio_ = nullptr;  // ciphertext to the peer
  bool established_ = false;
  bool verify_ = false;
  std::string error_;
};

}  // namespace flowscope::loadgen
