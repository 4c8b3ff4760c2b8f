#pragma once
// ws::Recorder turns the bytes of an upgraded WebSocket connection, both directions,
// into the flow's WebSocket record (flow::WebSocket): each message whole, each ping,
// pong and close on its own, the close and who sent it, the first protocol error.
//
// It only observes. The layer that owns it forwards every byte unmodified, so nothing
// here can break a conversation: a framing error stops the recording of that
// direction (the peer will fail the connection itself), and an inflate failure costs
// only the display of the messages it touches.
//
// Memory is bounded whatever the peers send: a message keeps at most the body limit
// of its payload (inflated when compressed), the record at most the message limit of
// messages and the payload limit of payload bytes; the rest is counted.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/flow/flow.hpp"
#include "core/http/message.hpp"
#include "core/ws/deflate.hpp"
#include "core/ws/message_assembler.hpp"

namespace flowscope::ws {

struct RecorderLimits {
  std::size_t body_limit = 1024 * 1024;  // payload bytes kept per message; 0 keeps all
  std::size_t message_limit = 10'000;    // messages kept per flow; 0 keeps all
  // Payload bytes kept across all the flow's messages; 0 keeps all. A long-lived
  // socket is held in memory until it closes, so without this cap 10,000 messages
  // of 1 MiB each would be 10 GiB. Beyond it messages keep their metadata only.
  std::size_t payload_limit = 16 * 1024 * 1024;
};

class Recorder {
 public:
  // `response_headers` are the 101's: the subprotocol and the extensions the server
  // chose, which decide how frames are read (permessage-deflate sets RSV1).
  Recorder(flow::WebSocket& record, const http::Headers& response_headers, RecorderLimits limits);

  // Bytes one side sent, at wall-clock `now_us` (Unix epoch µs). Any split works.
  void feed(Direction from, std::string_view bytes, std::int64_t now_us);
  // That side's bytes ended (EOF, an error, or the proxy stopping): a message it was
  // still sending is recorded as far as it came, with the reason.
  void end(Direction from, std::string_view why);

 private:
  struct Side {
    explicit Side(Direction from, FrameParserOptions options) : reader(from, options) {}
    MessageReader reader;
    std::optional<Inflater> inflater;
    std::optional<flow::WebSocketMessage> message;  // a data message under way
    bool keeping = true;  // the message under way will be kept: its payload is worth copying
    bool stopped = false;                           // after a protocol error
  };

  Side& side(Direction from) { return from == Direction::kClientToServer ? client_ : server_; }
  void on_event(Side& side, bool from_client, const MessageEvent& event, std::int64_t now_us);
  void message_data(Side& side, std::string_view data);
  void message_end(Side& side, const MessageEnd& end);
  void control(bool from_client, Opcode opcode, std::string payload, std::int64_t now_us);
  void close_frame(bool from_client, const ClosePayload& payload, std::int64_t now_us);
  void protocol_error(bool from_client, const std::string& message);
  static flow::WebSocketMessage take_message(Side& side);
  void keep(flow::WebSocketMessage message);
  std::size_t payload_cap() const;
  // Payload bytes a message that already keeps `kept` bytes may still keep: what is
  // left of its body limit and of the flow's payload limit.
  std::size_t room(std::size_t kept, bool keeping) const;
  // A whole payload (inflated, or a control frame's) cut to the room a new message has.
  void keep_within_room(std::string& data, bool keeping);
  bool has_room_for_a_message() const;

  flow::WebSocket& record_;
  RecorderLimits limits_;
  bool parse_ = true;  // false when an extension we do not know owns the frames' RSV bits
  Side client_;
  Side server_;
  std::size_t payload_kept_ = 0;
};

}  // namespace flowscope::ws
