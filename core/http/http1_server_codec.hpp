#pragma once
// The HTTP/1 codec toward a client (the server side of a hop): reads its requests as
// stream events, and frames the responses for it. The framing decisions that depend
// on the client live here: chunked only for HTTP/1.1, close-delimited bodies
// re-framed as chunked so a keep-alive connection survives, "Connection: close" when
// the connection will not carry another request. Sans-io: bytes in, events and bytes
// out.
#include <cstddef>
#include <string>
#include <string_view>

#include "core/http/parser.hpp"
#include "core/http/rewrite.hpp"
#include "core/http/stream_events.hpp"

namespace flowscope::http {

class Http1ServerCodec {
 public:
  explicit Http1ServerCodec(std::size_t max_head_bytes);

  // Reads at most one request: it stops right after the request's end, so the caller
  // decides when a pipelined request may begin (responses go out in order).
  CodecInput feed(std::string_view bytes);
  // Part of a request head arrived: a close now cuts a request.
  bool head_started() const { return parser_.head_started(); }
  // The Upgrade of the last request was not taken (no 101): read HTTP again.
  void resume_after_declined_upgrade() { parser_.resume_after_declined_upgrade(); }
  StreamId stream() const { return stream_; }

  // What goes to the client for the current request. An interim head (100, 103) is
  // "" for an HTTP/1.0 client, which would take it for the response.
  std::string interim(const ResponseHead& head) const;
  // The final head, framed for this client. `may_keep_alive` false (the proxy is
  // draining, or the request's body was not read) closes the connection after it.
  std::string response_head(const ResponseHead& head, bool may_keep_alive);
  std::string data(std::string_view piece) const;
  std::string end(const Headers& trailers) const;
  // After response_head: this response ends the connection.
  bool close_after() const { return close_after_; }
  // The client asked to keep the connection (HTTP/1.1 without "close", or 1.0 with
  // "keep-alive").
  bool client_wants_keep_alive() const { return client_keep_alive_; }
  bool client_is_http10() const { return client_http10_; }

 private:
  Parser parser_;
  StreamId stream_ = 0;
  bool client_keep_alive_ = true;
  bool client_http10_ = false;
  OutFraming framing_ = OutFraming::kAsReceived;
  bool close_after_ = false;
};

}  // namespace flowscope::http
