#pragma once
// ws::FrameParser: an incremental RFC 6455 frame parser for one direction, sans-io.
//
// It only observes: the relay forwards the original bytes, so nothing here modifies or
// re-encodes a frame. Bytes may arrive in any pieces (one at a time works); the events
// do not depend on where the pieces were cut, except that a payload comes out in as
// many pieces as it arrived in.
//
// Invariants:
//  * memory is bounded whatever the frame size: the parser keeps at most 14 header
//    bytes, the mask key and offset, and a control frame's payload (≤ 125 bytes). A
//    data payload is streamed: each piece is emitted as soon as it is fed.
//  * payload pieces are unmasked. A piece of an unmasked frame is a view into the fed
//    buffer, a piece of a masked one a view into the parser's scratch buffer; both are
//    valid until the next feed() or until the caller's buffer changes.
//  * after a protocol error (the last event it emits) the parser interprets nothing
//    more; later bytes are only counted, so the relay can go on forwarding them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/ws/frame.hpp"

namespace flowscope::ws {

// A piece of the current frame's payload, unmasked. Never empty.
struct FramePayload {
  std::string_view data;
};

// The current frame's payload is complete. For a control frame, `control_payload` is
// its whole payload, unmasked; for a data frame it is empty.
struct FrameEnd {
  std::string control_payload;
};

// In order: a FrameHeader, its FramePayload pieces (none for an empty payload), a
// FrameEnd; then the next frame. A ProtocolError, when there is one, comes last.
using FrameEvent = std::variant<FrameHeader, FramePayload, FrameEnd, ProtocolError>;

struct FrameParserOptions {
  // permessage-deflate was negotiated (RFC 7692): RSV1 may be set on the first frame of
  // a data message. Without it every RSV bit is an error, as no other extension that
  // uses them is known.
  bool permessage_deflate = false;
};

class FrameParser {
 public:
  // `from` is the side that sends these bytes: it decides whether frames must be masked.
  explicit FrameParser(Direction from, FrameParserOptions options = {});
  FrameParser(const FrameParser&) = delete;
  FrameParser& operator=(const FrameParser&) = delete;
  FrameParser(FrameParser&&) = default;
  FrameParser& operator=(FrameParser&&) = default;

  std::vector<FrameEvent> feed(std::string_view data);

  Direction direction() const { return direction_; }
  bool failed() const { return error_.has_value(); }
  const std::optional<ProtocolError>& error() const { return error_; }
  // Inside a frame (its header or payload has started and not ended): an EOF now
  // truncates it.
  bool in_frame() const { return state_ == State::kPayload || have_ > 0; }
  // A fragmented data message has started and its last frame has not arrived.
  bool in_message() const { return in_message_; }
  std::uint64_t bytes_fed() const { return offset_; }
  // Bytes fed after the protocol error, which were not looked at.
  std::uint64_t bytes_ignored() const { return ignored_; }

 private:
  enum class State { kHeader, kPayload, kFailed };

  // Each returns false after recording a protocol error.
  bool take_header_byte(std::uint8_t byte, std::vector<FrameEvent>& out);
  bool check_first_byte(std::vector<FrameEvent>& out);
  bool check_length(std::vector<FrameEvent>& out);
  bool start_payload(std::vector<FrameEvent>& out);
  bool end_frame(std::vector<FrameEvent>& out);
  void fail(std::string message, std::vector<FrameEvent>& out, std::uint16_t close_code = 1002);
  std::string_view unmask(std::string_view piece);

  Direction direction_;
  FrameParserOptions options_;
  State state_ = State::kHeader;

  std::uint8_t header_bytes_[14] = {};
  std::uint8_t have_ = 0;  // header bytes read of the current frame
  std::uint8_t need_ = 2;  // header bytes it has, known once the second byte is read
  FrameHeader header_;     // the current frame, filled in as its bytes arrive

  std::uint64_t payload_left_ = 0;
  std::uint64_t payload_done_ = 0;  // payload bytes so far: the position in the mask key
  std::string control_payload_;
  bool in_message_ = false;

  std::uint64_t offset_ = 0;  // bytes fed by earlier feed() calls
  std::uint64_t ignored_ = 0;
  std::optional<ProtocolError> error_;
  // Unmasked payload of the current feed() call. It is reserved to the size of the
  // input first, so appending never reallocates and earlier views stay valid.
  std::string scratch_;
};

}  // namespace flowscope::ws
