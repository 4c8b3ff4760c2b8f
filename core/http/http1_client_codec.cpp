#include "core/http/http1_client_codec.hpp"

#include "core/http/http1_events.hpp"
#include "core/http/serializer.hpp"

namespace flowscope::http {

namespace {

// The body is chunked when the last transfer-coding is (RFC 9112 §6.1).
bool chunked(const Headers& headers) {
  auto values = headers.find_all("Transfer-Encoding");
  if (values.empty()) return false;
  auto codings = split_list(values.back());
  return !codings.empty() && iequals(codings.back(), "chunked");
}

}  // namespace

std::string Http1ClientCodec::request_head(const RequestHead& head) {
  ++stream_;
  framing_ = chunked(head.headers) ? OutFraming::kChunked : OutFraming::kContentLength;
  head_request_ = head.method == "HEAD";
  restart_response();
  return serialize(head);
}

void Http1ClientCodec::restart_response() {
  parser_.emplace(MessageKind::kResponse);
  if (head_request_) parser_->expect_response_to_head();
}

CodecInput Http1ClientCodec::events(const ParseOutput& out) {
  return events_of(*parser_, out, stream_, [&]() -> StreamEvent {
    ResponseHead head = parser_->take_response_head();
    const bool interim = head.status >= 100 && head.status < 200 && head.status != 101;
    return ResponseHeadEvent{stream_, std::move(head), interim};
  });
}

CodecInput Http1ClientCodec::feed(std::string_view bytes) { return events(parser_->feed(bytes)); }

CodecInput Http1ClientCodec::finish() { return events(parser_->finish()); }

}  // namespace flowscope::http
