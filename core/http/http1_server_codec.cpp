#include "core/http/http1_server_codec.hpp"

#include "core/http/http1_events.hpp"
#include "core/http/serializer.hpp"

namespace flowscope::http {

namespace {

bool wants_keep_alive(const RequestHead& head) {
  const bool close = head.headers.has_token("Connection", "close") || head.headers.has_token("Proxy-Connection", "close");
  if (head.version_major == 1 && head.version_minor >= 1) return !close;
  return !close && (head.headers.has_token("Connection", "keep-alive") ||
                    head.headers.has_token("Proxy-Connection", "keep-alive"));
}

}  // namespace

Http1ServerCodec::Http1ServerCodec(std::size_t max_head_bytes) : parser_(MessageKind::kRequest, max_head_bytes) {}

CodecInput Http1ServerCodec::feed(std::string_view bytes) {
  ParseOutput out = parser_.feed(bytes);
  return events_of(parser_, out, stream_ + (out.head_ready ? 1 : 0), [&]() -> StreamEvent {
    RequestHead head = parser_.take_request_head();
    ++stream_;
    client_keep_alive_ = wants_keep_alive(head);
    client_http10_ = head.version_major == 1 && head.version_minor == 0;
    framing_ = OutFraming::kAsReceived;
    close_after_ = false;
    return RequestHeadEvent{stream_, std::move(head)};
  });
}

std::string Http1ServerCodec::interim(const ResponseHead& head) const {
  if (client_http10_) return {};
  return serialize(make_client_response(head, OutFraming::kAsReceived, false, false));
}

std::string Http1ServerCodec::response_head(const ResponseHead& head, bool may_keep_alive) {
  const bool keep_alive = client_keep_alive_ && may_keep_alive;
  close_after_ = !keep_alive;
  switch (head.framing) {
    case BodyFraming::kContentLength: framing_ = OutFraming::kContentLength; break;
    case BodyFraming::kChunked:
      // RFC 9112 §6.1: no chunked coding towards an HTTP/1.0 client.
      framing_ = client_http10_ ? OutFraming::kUntilClose : OutFraming::kChunked;
      if (client_http10_) close_after_ = true;
      break;
    case BodyFraming::kUntilClose:
      // Re-framed as chunked when the client can take it, so its connection survives.
      framing_ = (keep_alive && !client_http10_) ? OutFraming::kChunked : OutFraming::kUntilClose;
      if (framing_ == OutFraming::kUntilClose) close_after_ = true;
      break;
    default: framing_ = OutFraming::kAsReceived; break;
  }
  return serialize(make_client_response(head, framing_, close_after_, client_http10_));
}

std::string Http1ServerCodec::data(std::string_view piece) const { return frame_body_piece(framing_, piece); }

std::string Http1ServerCodec::end(const Headers& trailers) const { return frame_body_end(framing_, trailers); }

}  // namespace flowscope::http
