#pragma once
// A Flow is one recorded exchange (or one blind tunnel). DESIGN.md "The flow" lists
// the fields; the JSON Lines store and HAR writer serialise this struct.
#include <cstdint>
#include <optional>
#include <string>

#include "core/http/message.hpp"

namespace flowscope::flow {

struct Body {
  std::string data;         // at most the body limit; the rest is counted in `size`
  std::uint64_t size = 0;   // bytes of the (decoded-from-framing) body seen on the wire
  bool truncated = false;   // size > data.size()
};

struct Request {
  std::string method;
  std::string url;           // absolute URL
  std::string http_version;  // "HTTP/1.1"
  http::Headers headers;
  Body body;
};

struct Response {
  int status = 0;
  std::string reason;
  std::string http_version;
  http::Headers headers;
  Body body;
};

// Milliseconds; -1 where the phase did not happen (HAR's convention).
struct Timings {
  double dns = -1;
  double connect = -1;
  double tls = -1;
  double send = -1;
  double wait = -1;
  double receive = -1;
};

struct Tunnel {
  std::string host;
  std::uint16_t port = 0;
  std::uint64_t bytes_from_client = 0;
  std::uint64_t bytes_from_server = 0;
  double duration_ms = 0;
};

struct TlsSide {
  std::string version;  // "TLSv1.3"
  std::string cipher;
  std::string alpn;
};

// TLS facts of an intercepted exchange: the client's side (our minted certificate)
// and the origin's side (its real certificate).
struct Tls {
  std::string sni;
  TlsSide client;
  TlsSide server;
  std::string upstream_verify;  // "ok", OpenSSL's reason, or "disabled (--insecure)"
  std::string server_cert_subject;
  std::string server_cert_issuer;
  std::string server_cert_not_after;
};

struct Flow {
  std::string id;
  std::uint64_t connection_id = 0;
  std::int64_t started_us = 0;  // Unix epoch, microseconds
  std::string client_address;   // "ip:port"
  std::string server_address;   // "ip:port" of the upstream actually used
  std::string scheme;           // "http", "https", or "tunnel" for blind CONNECT tunnels
  Request request;
  std::optional<Response> response;
  Timings timings;
  std::optional<Tunnel> tunnel;
  std::optional<Tls> tls;
  std::string error;  // empty when the exchange succeeded
  std::string replay_of;  // the id of the flow this one replays; empty when not a replay
};

}  // namespace flowscope::flow
