#include "core/tls/endpoint.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <utility>

namespace flowscope::tls {

namespace {

bool is_ip_literal(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// The alert a peer sent, from the error OpenSSL queued for it; -1 when the error is
// not a received alert.
int received_alert(unsigned long err) {
  const int reason = ERR_GET_REASON(err);
  return reason >= SSL_AD_REASON_OFFSET && reason < SSL_AD_REASON_OFFSET + 256 ? reason - SSL_AD_REASON_OFFSET : -1;
}

}  // namespace

std::string drain_error_queue() {
  std::string out;
  while (unsigned long err = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(err, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

Endpoint::Endpoint(SslPtr ssl) : ssl_(std::move(ssl)) {
  rbio_ = BIO_new(BIO_s_mem());
  wbio_ = BIO_new(BIO_s_mem());
  // An empty read BIO means "no data yet", not EOF, until receive_eof().
  BIO_set_mem_eof_return(rbio_, -1);
  SSL_set_bio(ssl_.get(), rbio_, wbio_);
}

Result<Endpoint> Endpoint::server(SSL_CTX* ctx, X509* cert, EVP_PKEY* key) {
  SslPtr ssl(SSL_new(ctx));
  if (!ssl) return fail("SSL_new failed: " + drain_error_queue());
  if (SSL_use_certificate(ssl.get(), cert) != 1 || SSL_use_PrivateKey(ssl.get(), key) != 1) {
    return fail("cannot use the minted certificate: " + drain_error_queue());
  }
  SSL_set_accept_state(ssl.get());
  return Endpoint(std::move(ssl));
}

Result<Endpoint> Endpoint::client(SSL_CTX* ctx, const std::string& host, bool verify_host) {
  SslPtr ssl(SSL_new(ctx));
  if (!ssl) return fail("SSL_new failed: " + drain_error_queue());
  const bool ip = is_ip_literal(host);
  if (!ip) SSL_set_tlsext_host_name(ssl.get(), host.c_str());
  if (verify_host) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl.get());
    if (ip) {
      X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
    } else {
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      SSL_set1_host(ssl.get(), host.c_str());
    }
  }
  SSL_set_connect_state(ssl.get());
  return Endpoint(std::move(ssl));
}

void Endpoint::start() { drive(); }

void Endpoint::receive(std::string_view ciphertext) {
  if (state_ == EndpointState::kFailed || state_ == EndpointState::kClosed) return;
  if (!ciphertext.empty()) BIO_write(rbio_, ciphertext.data(), static_cast<int>(ciphertext.size()));
  drive();
}

void Endpoint::receive_eof() {
  eof_ = true;
  BIO_set_mem_eof_return(rbio_, 0);
  if (state_ == EndpointState::kHandshaking) {
    drive();
    if (state_ == EndpointState::kHandshaking) {
      state_ = EndpointState::kFailed;
      error_ = "peer closed the connection during the TLS handshake";
    }
    return;
  }
  drive();
  if (state_ == EndpointState::kEstablished) state_ = EndpointState::kClosed;
}

void Endpoint::drive() {
  ERR_clear_error();
  if (state_ == EndpointState::kHandshaking) {
    int rc = SSL_do_handshake(ssl_.get());
    if (rc == 1) {
      state_ = EndpointState::kEstablished;
    } else {
      int err = SSL_get_error(ssl_.get(), rc);
      if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) fail_from_queue(err);
    }
    drain_write_bio();
  }
  if (state_ == EndpointState::kEstablished) {
    flush_pending();
    read_plaintext();
  }
  drain_write_bio();
}

void Endpoint::read_plaintext() {
  char buf[16 * 1024];
  while (state_ == EndpointState::kEstablished) {
    int n = SSL_read(ssl_.get(), buf, sizeof buf);
    if (n > 0) {
      plaintext_in_.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    int err = SSL_get_error(ssl_.get(), n);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return;
    if (err == SSL_ERROR_ZERO_RETURN) {
      state_ = EndpointState::kClosed;
      return;
    }
    if (eof_) {
      // OpenSSL 3 reports a missing close_notify as SSL_R_UNEXPECTED_EOF_WHILE_READING.
      ERR_clear_error();
      state_ = EndpointState::kClosed;
      return;
    }
    fail_from_queue(err);
  }
}

void Endpoint::send(std::string_view plaintext) {
  if (state_ == EndpointState::kFailed || state_ == EndpointState::kClosed) return;
  pending_plaintext_out_.append(plaintext);
  if (state_ == EndpointState::kEstablished) {
    flush_pending();
    drain_write_bio();
  }
}

void Endpoint::flush_pending() {
  // Memory BIOs never refuse a write, so SSL_write takes everything at once.
  while (!pending_plaintext_out_.empty() && state_ == EndpointState::kEstablished) {
    std::size_t written = 0;
    int rc = SSL_write_ex(ssl_.get(), pending_plaintext_out_.data(), pending_plaintext_out_.size(), &written);
    if (rc != 1) {
      fail_from_queue(SSL_get_error(ssl_.get(), 0));
      return;
    }
    pending_plaintext_out_.erase(0, written);
  }
}

void Endpoint::close() {
  if (state_ == EndpointState::kEstablished || state_ == EndpointState::kClosed) {
    SSL_shutdown(ssl_.get());
    drain_write_bio();
  }
}

void Endpoint::fail_from_queue(int ssl_error) {
  unsigned long first = ERR_peek_error();
  peer_alert_ = first != 0 ? received_alert(first) : -1;
  std::string queue = drain_error_queue();
  state_ = EndpointState::kFailed;
  if (!queue.empty()) {
    error_ = queue;
  } else if (ssl_error == SSL_ERROR_SYSCALL) {
    error_ = "connection closed during TLS";
  } else {
    error_ = "TLS error " + std::to_string(ssl_error);
  }
}

void Endpoint::drain_write_bio() {
  char* data = nullptr;
  long n = BIO_get_mem_data(wbio_, &data);
  if (n > 0) {
    ciphertext_out_.append(data, static_cast<std::size_t>(n));
    (void)BIO_reset(wbio_);
  }
}

std::string Endpoint::take_ciphertext() { return std::exchange(ciphertext_out_, {}); }
std::string Endpoint::take_plaintext() { return std::exchange(plaintext_in_, {}); }
bool Endpoint::has_ciphertext() const { return !ciphertext_out_.empty(); }

bool Endpoint::peer_refused_certificate() const {
  switch (peer_alert_) {
    case SSL_AD_BAD_CERTIFICATE:
    case SSL_AD_UNSUPPORTED_CERTIFICATE:
    case SSL_AD_CERTIFICATE_REVOKED:
    case SSL_AD_CERTIFICATE_EXPIRED:
    case SSL_AD_CERTIFICATE_UNKNOWN:
    case SSL_AD_UNKNOWN_CA:
      return true;
    default:
      return false;
  }
}

SessionInfo Endpoint::info() const {
  SessionInfo out;
  out.version = SSL_get_version(ssl_.get());
  if (const SSL_CIPHER* c = SSL_get_current_cipher(ssl_.get())) out.cipher = SSL_CIPHER_get_name(c);
  const unsigned char* alpn = nullptr;
  unsigned len = 0;
  SSL_get0_alpn_selected(ssl_.get(), &alpn, &len);
  if (alpn != nullptr) out.alpn.assign(reinterpret_cast<const char*>(alpn), len);
  return out;
}

}  // namespace flowscope::tls
