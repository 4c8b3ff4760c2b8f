#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <expected>
#include <string>
#include <vector>

#include "options.hpp"

namespace flowscope::loadgen {

// One scheme+host+port. A connection is bound to one origin for its life (the TLS session, or the
// tunnel, names it), and rotates through the origin's paths on keep-alive.
struct Origin {
  bool tls = false;
  std::string host;  // URL host: the SNI, the Host header, the CONNECT target
  uint16_t port = 0;
  sockaddr_storage address{};  // where the TCP connection goes: the proxy or the origin
  std::string address_text;    // the same, for error messages
  // "CONNECT host:port" head when https goes through a proxy, else empty.
  std::string connect_head;
  // Complete request heads (one per path), built once so a request costs no formatting.
  std::vector<std::string> request_heads;
};

// Expands URLs x hostnames into origins, resolves addresses once, and prebuilds heads. The order
// alternates hostnames first, so consecutive connections hit distinct names.
std::expected<std::vector<Origin>, std::string> build_origins(const Options& options);

}  // namespace flowscope::loadgen
