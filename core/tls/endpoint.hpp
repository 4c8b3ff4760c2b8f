#pragma once
// tls::Endpoint: one side of a TLS connection over OpenSSL memory BIOs, sans-io.
// Ciphertext from the peer goes in with receive(), plaintext to the peer with send();
// what OpenSSL produces comes out with take_ciphertext() and take_plaintext().
//
// Invariants (DESIGN.md "TLS and the CA"):
//  * the write BIO is drained after every SSL_* call, because SSL_read can write
//    (key updates, session tickets, alerts);
//  * a peer that closes the TCP stream without close_notify is an EOF, not an error.
#include <openssl/ssl.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/tls/openssl_ptr.hpp"

namespace flowscope::tls {

enum class EndpointState {
  kHandshaking,
  kEstablished,
  kClosed,  // the peer sent close_notify or closed the stream
  kFailed,  // handshake or record error; see error()
};

struct SessionInfo {
  std::string version;  // "TLSv1.3"
  std::string cipher;
  std::string alpn;
};

class Endpoint {
 public:
  // Server side, presenting `cert` + `key` (+ `chain`, may be null).
  static Result<Endpoint> server(SSL_CTX* ctx, X509* cert, EVP_PKEY* key);
  // Client side: SNI (skipped for IP literals) and hostname verification for `host`.
  static Result<Endpoint> client(SSL_CTX* ctx, const std::string& host, bool verify_host);

  Endpoint(Endpoint&&) = default;
  Endpoint& operator=(Endpoint&&) = default;

  // Starts a client handshake (the ClientHello); a server waits for the peer.
  void start();
  void receive(std::string_view ciphertext);
  // The peer closed the TCP stream.
  void receive_eof();
  // Queued until the handshake completes.
  void send(std::string_view plaintext);
  // Sends close_notify.
  void close();

  std::string take_ciphertext();
  std::string take_plaintext();
  bool has_ciphertext() const;

  EndpointState state() const { return state_; }
  const std::string& error() const { return error_; }
  // A fatal alert from the peer during the handshake (e.g. unknown_ca): the peer
  // refused us, typically because it does not trust our certificate.
  bool peer_rejected_handshake() const { return peer_alert_ >= 0; }
  // The peer's alert says it does not accept our certificate (unknown_ca,
  // bad_certificate, certificate_unknown, …). An EOF or a reset mid-handshake is not
  // one: clients that give up on a connection (Go's at exit) close without a word.
  bool peer_refused_certificate() const;
  SessionInfo info() const;
  SSL* ssl() const { return ssl_.get(); }

 private:
  explicit Endpoint(SslPtr ssl);
  void drive();
  void read_plaintext();
  void flush_pending();
  void fail_from_queue(int ssl_error);
  void drain_write_bio();

  SslPtr ssl_;
  BIO* rbio_ = nullptr;  // owned by ssl_
  BIO* wbio_ = nullptr;  // owned by ssl_
  EndpointState state_ = EndpointState::kHandshaking;
  std::string error_;
  int peer_alert_ = -1;  // the fatal alert the peer sent, -1 for none
  bool eof_ = false;
  std::string pending_plaintext_out_;
  std::string ciphertext_out_;
  std::string plaintext_in_;
};

// OpenSSL's error queue as one line, emptied.
std::string drain_error_queue();

}  // namespace flowscope::tls
