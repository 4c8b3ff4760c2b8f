#pragma once
// Version-neutral stream events: what an HTTP codec read from its peer, one exchange
// (a stream) at a time in HTTP/1, many interleaved in HTTP/2. The HTTP/1 codecs
// (http1_server_codec, http1_client_codec) emit them today; the HTTP/2 codec will
// emit the same, so the layer above (proxy::Http1Layer's exchange logic, HttpStream,
// hooks) does not care which version carried a message.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

#include "core/http/message.hpp"
#include "core/http/parser.hpp"

namespace flowscope::http {

// HTTP/1 numbers the exchanges of a connection 1, 2, 3…; HTTP/2 has its own ids.
using StreamId = std::uint32_t;

struct RequestHeadEvent {
  StreamId stream = 0;
  RequestHead head;
};

struct ResponseHeadEvent {
  StreamId stream = 0;
  ResponseHead head;
  bool interim = false;  // 1xx other than 101: the final head follows on the same stream
};

// A piece of the body, framing removed. A view into the bytes fed: valid until the
// caller changes them.
struct DataEvent {
  StreamId stream = 0;
  std::string_view bytes;
};

// The message ended, with its trailers (empty without).
struct EndEvent {
  StreamId stream = 0;
  Headers trailers;
};

// The message ended and what follows it is no longer HTTP (a CONNECT, a 101): the
// bytes after `consumed` belong to the next protocol.
struct UpgradeEvent {
  StreamId stream = 0;
};

// The peer's bytes cannot be read as HTTP. In HTTP/1 the connection is lost with it.
struct StreamError {
  StreamId stream = 0;
  ParseError error;
};

using StreamEvent = std::variant<RequestHeadEvent, ResponseHeadEvent, DataEvent, EndEvent, UpgradeEvent, StreamError>;

// One feed's events, in order, and how many of its bytes they used.
struct CodecInput {
  std::vector<StreamEvent> events;
  std::size_t consumed = 0;
};

}  // namespace flowscope::http
