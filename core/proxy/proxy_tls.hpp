#pragma once
// proxy::ProxyTls: the start of the outermost layer of a client connection whose
// client speaks TLS to the proxy itself (an "HTTPS proxy": curl --proxy https://…,
// Chrome's --proxy-server=https://…, urllib3 with an https proxy URL). It collects
// the ClientHello, mints a leaf for the name the client asked for (its SNI, else
// the address it connected to) and makes the TLS endpoint that then sits at the bottom of
// the client's Pipe. The proxy front above runs exactly as on a plain connection:
// absolute-form requests, CONNECT, and interception inside (a second TLS endpoint
// on the same Pipe).
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

  // `local_address`: the IP the client connected to, named by the leaf when the
  // ClientHello carries no usable SNI (clients send none for an IP literal).
  ProxyTls(const Interception& interception, std::string local_address)
      : interception_(interception), local_address_(std::move(local_address)) {}

  enum class Status { kNeedMore, kReady, kFailed };
  // Bytes from the client until kReady: then take_endpoint() and take_hello() (the
  // bytes to feed it) are there. kFailed: error() says why.
  Status feed(std::string_view bytes);

  tls::Endpoint take_endpoint() { return std::move(*endpoint_); }
  std::string take_hello() { return std::move(hello_); }
  const std::string& error() const { return error_; }

 private:
  Status fail(std::string error);

  const Interception& interception_;
  std::string local_address_;
  std::string hello_;  // the ClientHello, until it is whole and its SNI known
  std::optional<tls::Endpoint> endpoint_;
  std::shared_ptr<const void> leaf_owner_;  // keeps the leaf alive: this object lives as long as the session
  std::string error_;
};

}  // namespace flowscope::proxy
