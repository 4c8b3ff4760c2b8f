#pragma once
// Peeks at the first bytes a client sends into a CONNECT tunnel: is it TLS, plain
// HTTP or something else, and for TLS, which SNI and ALPN does the ClientHello ask
// for. Deciding from our own parse (before OpenSSL sees anything) lets a tunnel still
// fall back to a blind relay with the bytes intact.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flowscope::tls {

enum class Sniffed {
  kNeedMore,  // not enough bytes to tell
  kTls,       // a complete ClientHello
  kHttp,      // looks like an HTTP/1.x request line
  kOther,     // anything else: relay raw
};

struct ClientHello {
  std::string sni;  // empty when the client sent none (e.g. an IP literal)
  std::vector<std::string> alpn;
};

struct SniffResult {
  Sniffed kind = Sniffed::kNeedMore;
  ClientHello hello;  // for kTls
};

// `data` is everything the client sent so far into the tunnel.
SniffResult sniff(std::string_view data);

}  // namespace flowscope::tls
