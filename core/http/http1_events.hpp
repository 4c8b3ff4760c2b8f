#pragma once
// The stream events of one llhttp parse, for the two HTTP/1 codecs.
#include "core/http/parser.hpp"
#include "core/http/stream_events.hpp"

namespace flowscope::http {

// Events from one parse, shared by both HTTP/1 codecs: the head (made by `head`),
// the body pieces, and the end, upgrade or error the parse ended with.
template <class MakeHead>
CodecInput events_of(Parser& parser, const ParseOutput& out, StreamId stream, MakeHead head) {
  CodecInput input;
  input.consumed = out.consumed;
  if (out.status == ParseStatus::kError) {
    input.events.push_back(StreamError{stream, parser.error()});
    return input;
  }
  if (out.head_ready) input.events.push_back(head());
  for (std::string_view piece : out.body) input.events.push_back(DataEvent{stream, piece});
  if (out.status == ParseStatus::kComplete) input.events.push_back(EndEvent{stream, out.trailers});
  if (out.status == ParseStatus::kUpgrade) input.events.push_back(UpgradeEvent{stream});
  return input;
}

}  // namespace flowscope::http
