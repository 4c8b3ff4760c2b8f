#pragma once
// Turning a message received on one hop into the message sent on the next
// (RFC 9110 §7.6: hop-by-hop headers, Host, and re-framing of the body).
#include <string>
#include <string_view>

#include "core/http/message.hpp"
#include "core/http/target.hpp"

namespace flowscope::http {

// How we delimit a body we send, which may differ from how it arrived
// (a close-delimited response goes to an HTTP/1.1 client chunked).
enum class OutFraming {
  kAsReceived,     // bodiless message: framing headers are forwarded untouched
  kContentLength,
  kChunked,
  kUntilClose,
};

OutFraming request_out_framing(const RequestHead& request);

// A body piece framed as `framing` says (a chunk for kChunked, as it is otherwise),
// and the body's end (the last chunk with `trailers` for kChunked, nothing otherwise).
std::string frame_body_piece(OutFraming framing, std::string_view piece);
std::string frame_body_end(OutFraming framing, const Headers& trailers);

// The request for the origin (origin-form) or, with via_proxy, for the next proxy
// (absolute-form, with Proxy-Authorization when credentials are given).
RequestHead make_upstream_request(const RequestHead& client_request, const AbsoluteUrl& url,
                                        bool via_proxy, const std::string& proxy_credentials);

// The response for the client. `close_client` adds "Connection: close".
ResponseHead make_client_response(const ResponseHead& upstream_response, OutFraming framing,
                                        bool close_client, bool client_is_http10);

// The CONNECT request for a next proxy.
std::string make_connect_request(const Authority& target, const std::string& proxy_credentials);

}  // namespace flowscope::http
