#pragma once
// The HTTP/1 codec toward an origin (or the next proxy): frames the requests it is
// given and reads the responses as stream events. One exchange at a time; each
// request_head starts a new stream and a fresh response parser (a response to HEAD
// has no body whatever it says). Sans-io: bytes in, events and bytes out.
#include <optional>
#include <string>
#include <string_view>

#include "core/http/parser.hpp"
#include "core/http/rewrite.hpp"
#include "core/http/stream_events.hpp"

namespace flowscope::http {

class Http1ClientCodec {
 public:
  // The request for this hop (its head already rewritten for it: make_upstream_request),
  // framed as its headers say.
  std::string request_head(const RequestHead& head);
  std::string data(std::string_view piece) const { return frame_body_piece(framing_, piece); }
  std::string end(const Headers& trailers) const { return frame_body_end(framing_, trailers); }
  // The request is sent again on a new connection: its response starts over.
  void restart_response();

  // Reads at most one response (an interim one counts: its final one follows).
  CodecInput feed(std::string_view bytes);
  // The origin closed: ends a close-delimited body, or reports the response cut.
  CodecInput finish();
  // A request is out and its response has not been dropped (done()).
  bool expecting_response() const { return parser_.has_value(); }
  // The exchange is over: later bytes are unsolicited.
  void done() { parser_.reset(); }
  // After a complete response: the connection may carry another request.
  bool keep_alive() const { return parser_ && parser_->keep_alive(); }
  StreamId stream() const { return stream_; }

 private:
  CodecInput events(const ParseOutput& out);

  std::optional<Parser> parser_;
  StreamId stream_ = 0;
  bool head_request_ = false;
  OutFraming framing_ = OutFraming::kAsReceived;
};

}  // namespace flowscope::http
