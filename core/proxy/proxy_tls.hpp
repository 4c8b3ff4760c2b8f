#pragma once
// proxy::ProxyTls: the outermost layer of a client connection whose client speaks
// TLS to the proxy itself (an "HTTPS proxy": curl --proxy https://…, Chrome's
// --proxy-server=https://…, urllib3 with an https proxy URL). It terminates that TLS
// with a leaf minted for the name the client asked for (its SNI, else the listen
// address) and hands plaintext to the proxy front above, which then runs exactly
// as on a plain connection: absolute-form requests, CONNECT, and interception
// inside (a second TLS layer, inside this one).
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/proxy/interception.hpp"
#include "core/tls/endpoint.hpp"

namespace flowscope::proxy {

class ProxyTls {
 public:
  // A plain proxy request never starts with a TLS handshake record (0x16).
  static bool starts_tls(std::string_view first_bytes) {
    return !first_bytes.empty() && first_bytes[0] == '\x16';
  }

  ProxyTls(const Interception& interception, std::string listen_host)
      : interception_(interception), listen_host_(std::move(listen_host)) {}

  // Bytes from the client socket; returns the plaintext they carried (maybe none).
  // The handshake's own output waits in take_ciphertext().
  std::string receive(std::string_view bytes);
  std::string receive_eof();
  // Plaintext for the client; returns the bytes to write to the socket.
  std::string send(std::string_view plaintext);
  // close_notify, when the handshake had completed.
  std::string close();
  std::string take_ciphertext();

  bool failed() const { return !error_.empty(); }
  bool established() const { return endpoint_ && endpoint_->state() == tls::EndpointState::kEstablished; }
  // The client sent close_notify: it is done sending, as with a FIN.
  bool peer_closed() const { return endpoint_ && endpoint_->state() == tls::EndpointState::kClosed; }
  const std::string& error() const { return error_; }

 private:
  void start(std::string_view hello);

  const Interception& interception_;
  std::string listen_host_;
  std::string hello_;  // the ClientHello, until it is whole and its SNI known
  std::optional<tls::Endpoint> endpoint_;
  std::shared_ptr<const void> leaf_owner_;
  std::string error_;
};

}  // namespace flowscope::proxy
