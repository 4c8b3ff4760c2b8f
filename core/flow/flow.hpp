#pragma once
// A Flow is one recorded exchange (or one blind tunnel). DESIGN.md "The flow" lists
// the fields; the JSON Lines store and HAR writer serialise this struct.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/flow/redaction.hpp"
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
  std::string protocol;  // after a 101: the protocol the Upgrade switched to; empty for CONNECT
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

// One WebSocket message or control frame as it passed (RFC 6455). A data message
// (text or binary) is recorded once, whole, however many frames carried it; ping,
// pong and close frames are recorded each on their own. A compressed message
// (permessage-deflate) is recorded inflated.
struct WebSocketMessage {
  bool from_client = true;
  std::int64_t time_us = 0;      // Unix epoch µs when its first frame began to arrive
  std::uint8_t opcode = 1;       // 1 text, 2 binary, 8 close, 9 ping, 10 pong
  std::uint64_t length = 0;      // payload bytes, inflated when compressed
  std::string data;              // the payload, at most the body limit (for a close: the reason)
  bool truncated = false;        // length > data.size()
  bool compressed = false;       // sent with permessage-deflate
  std::uint64_t wire_length = 0; // payload bytes on the wire (differs from length when compressed)
  std::optional<std::uint16_t> close_code;  // a close frame's status code, when it had one
  std::string error;             // why the payload could not be shown (an inflate failure)
};

// Who closed a WebSocket, and how.
struct WebSocketClose {
  bool from_client = true;  // the side that sent the first close frame
  std::optional<std::uint16_t> code;
  std::string reason;
  bool answered = false;  // the other side sent its close frame back
};

struct WebSocket {
  std::string protocol;    // Sec-WebSocket-Protocol the server chose; empty if none
  std::string extensions;  // Sec-WebSocket-Extensions the server chose; empty if none
  std::vector<WebSocketMessage> messages;  // at most --ws-message-limit
  std::uint64_t messages_dropped = 0;       // recorded beyond the limit: counted only
  std::optional<WebSocketClose> close;      // absent when no close frame was seen
  std::string protocol_error;  // the first framing error ("client: ..."), after which frames are relayed unparsed
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
  std::optional<WebSocket> websocket;  // after a 101 to `Upgrade: websocket`
  std::string error;  // empty when the exchange succeeded
  std::string replay_of;  // the id of the flow this one replays; empty when not a replay
  std::vector<Redaction> redactions;  // what core/redact replaced by REDACTED; empty when nothing
  std::string served_from;  // server replay answered it: the id of the recorded flow whose response it got
};

}  // namespace flowscope::flow
