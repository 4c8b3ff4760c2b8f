#include "tls_session.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

namespace flowscope::loadgen {

namespace {

std::string drain_openssl_errors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

bool is_ip_literal(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

}  // namespace

std::expected<SslCtxPtr, std::string> make_client_context(bool insecure,
                                                          const std::string& cacert) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) return std::unexpected("SSL_CTX_new: " + drain_openssl_errors());
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  // A server that closes without close_notify is common and not an attack on a benchmark;
  // without this OpenSSL 3 reports it as an error instead of EOF.
  SSL_CTX_set_options(ctx.get(), SSL_OP_IGNORE_UNEXPECTED_EOF);
  static const unsigned char kAlpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  SSL_CTX_set_alpn_protos(ctx.get(), kAlpn, sizeof kAlpn);
  if (insecure) {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  } else {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
    int ok = cacert.empty() ? SSL_CTX_set_default_verify_paths(ctx.get())
                            : SSL_CTX_load_verify_locations(ctx.get(), cacert.c_str(), nullptr);
    if (ok != 1) {
      return std::unexpected("cannot load CA bundle " + (cacert.empty() ? "(system)" : cacert) +
                             ": " + drain_openssl_errors());
    }
  }
  return ctx;
}

std::expected<void, std::string> TlsSession::begin(SSL_CTX* ctx, const std::string& host,
                                                   bool verify) {
  reset();
  ssl_ = SSL_new(ctx);
  if (ssl_ == nullptr) return std::unexpected("SSL_new: " + drain_openssl_errors());
  rbio_ = BIO_new(BIO_s_mem());
  wbio_ = BIO_new(BIO_s_mem());
  SSL_set_bio(ssl_, rbio_, wbio_);  // the SSL now owns both BIOs
  SSL_set_connect_state(ssl_);
  verify_ = verify;
  bool ip = is_ip_literal(host);
  // RFC 6066 forbids IP literals in SNI.
  if (!ip) SSL_set_tlsext_host_name(ssl_, host.c_str());
  if (verify) {
    int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), host.c_str())
                : SSL_set1_host(ssl_, host.c_str());
    if (ok != 1) return std::unexpected("cannot set the name to verify: " + drain_openssl_errors());
  }
  return {};
}

void TlsSession::reset() {
  if (ssl_ != nullptr) SSL_free(ssl_);
  ssl_ = nullptr;
  rbio_ = wbio_ = nullptr;
  established_ = false;
}

void TlsSession::feed(const char* data, size_t len) {
  BIO_write(rbio_, data, static_cast<int>(len));
}

TlsSession::Status TlsSession::classify(int rc, const char* what) {
  switch (SSL_get_error(ssl_, rc)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
      return Status::kAgain;
    case SSL_ERROR_ZERO_RETURN:
      return Status::kClosed;
    default: {
      error_ = what;
      error_ += ": ";
      std::string detail = drain_openssl_errors();
      error_ += detail.empty() ? "unknown error" : detail;
      if (verify_) {
        long result = SSL_get_verify_result(ssl_);
        if (result != X509_V_OK) {
          error_ += " (verify: ";
          error_ += X509_verify_cert_error_string(result);
          error_ += ')';
        }
      }
      return Status::kFailed;
    }
  }
}

TlsSession::Status TlsSession::handshake() {
  int rc = SSL_do_handshake(ssl_);
  if (rc == 1) {
    established_ = true;
    return Status::kOk;
  }
  return classify(rc, "TLS handshake");
}

TlsSession::Status TlsSession::read(char* buf, size_t cap, size_t& got) {
  got = 0;
  int rc = SSL_read_ex(ssl_, buf, cap, &got);
  if (rc == 1) return Status::kOk;
  return classify(rc, "TLS read");
}

bool TlsSession::write(const char* data, size_t len) {
  size_t written = 0;
  int rc = SSL_write_ex(ssl_, data, len, &written);
  if (rc == 1 && written == len) return true;
  classify(rc, "TLS write");
  return false;
}

size_t TlsSession::pending_output() const {
  return BIO_ctrl_pending(wbio_);
}

size_t TlsSession::take_output(char* buf, size_t cap) {
  int n = BIO_read(wbio_, buf, static_cast<int>(cap));
  return n > 0 ? static_cast<size_t>(n) : 0;
}

}  // namespace flowscope::loadgen
