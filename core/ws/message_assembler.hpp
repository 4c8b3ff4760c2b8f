#pragma once
// ws::MessageAssembler turns one direction's frame events into messages (RFC 6455 §5.4):
// a text or binary frame and its continuation frames are one message, and control
// frames (ping, pong, close) between them are reported on their own, where they came.
//
// It relies on FrameParser's checks (a continuation always has a message to continue,
// control frames are whole and ≤ 125 bytes, a close payload is valid), so it has no
// errors of its own: a ProtocolError from the parser is passed on, last.
//
// Data pieces are the frame payload pieces themselves (views, valid as long as the
// frame events they came from). A compressed message's pieces are still compressed;
// ws::Inflater undoes that.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/ws/close.hpp"
#include "core/ws/frame.hpp"
#include "core/ws/frame_parser.hpp"

namespace flowscope::ws {

struct MessageStart {
  Opcode opcode = Opcode::kText;  // text or binary
  bool compressed = false;        // RSV1 of the first frame (permessage-deflate)
  std::uint64_t offset = 0;       // where its first frame starts in the stream
};

// A piece of the message's payload as sent (unmasked, still compressed). Never empty.
struct MessageData {
  std::string_view data;
};

struct MessageEnd {
  std::uint64_t size = 0;  // payload bytes of all its frames
  std::size_t frames = 0;  // 1 for an unfragmented message
};

struct Ping {
  std::string payload;
};

struct Pong {
  std::string payload;
};

struct Close {
  ClosePayload payload;  // a code and reason, or neither
};

using MessageEvent =
    std::variant<MessageStart, MessageData, MessageEnd, Ping, Pong, Close, ProtocolError>;

class MessageAssembler {
 public:
  // The message events of `frames` (the events of one or more FrameParser::feed
  // calls, in order), appended to `out`.
  void assemble(const std::vector<FrameEvent>& frames, std::vector<MessageEvent>& out);

  // A data message has started and not ended.
  bool in_message() const { return in_message_; }

 private:
  void on_header(const FrameHeader& header, std::vector<MessageEvent>& out);
  void on_end(FrameEnd end, std::vector<MessageEvent>& out);

  Opcode frame_opcode_ = Opcode::kText;  // of the frame whose payload is arriving
  bool fin_ = true;                      // of that frame
  bool in_message_ = false;
  std::uint64_t size_ = 0;
  std::size_t frames_ = 0;
};

// A FrameParser and a MessageAssembler for one direction: bytes in, messages out.
class MessageReader {
 public:
  explicit MessageReader(Direction from, FrameParserOptions options = {})
      : parser_(from, options) {}

  // Message events; data views are valid until the next feed() or until `data` changes.
  std::vector<MessageEvent> feed(std::string_view data);

  const FrameParser& parser() const { return parser_; }
  bool failed() const { return parser_.failed(); }

 private:
  FrameParser parser_;
  MessageAssembler assembler_;
};

}  // namespace flowscope::ws
