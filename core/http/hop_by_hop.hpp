#pragma once
#include "core/http/message.hpp"

namespace flowscope::http {

// True for a request asking to switch to WebSocket (RFC 6455 §4.1).
bool is_websocket_upgrade(const Headers& headers);

// Removes the headers that describe one hop only (RFC 9110 §7.6.1): Connection and
// every header it names, Proxy-Connection, Keep-Alive, TE, Trailer, Upgrade,
// Proxy-Authorization, Proxy-Authenticate, and the framing headers
// (Transfer-Encoding, Content-Length), which the caller sets again for the next hop.
// With keep_upgrade, Upgrade survives together with "Connection: Upgrade".
void strip_hop_by_hop(Headers& headers, bool keep_upgrade);

}  // namespace flowscope::http
