#pragma once
// permessage-deflate (RFC 7692), inflated for recording and display only. The relay
// forwards the compressed frames as they came; nothing here is on the forwarding path.
//
// Each direction is its own DEFLATE stream, compressed by its sender: the client's
// messages with the client_* parameters, the server's with the server_* ones. With
// context takeover (the default) a message may refer back to earlier messages of its
// direction, so the inflater must see every compressed message of that direction, in
// order, to the last byte, even beyond what it keeps for display.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/ws/frame.hpp"

// zlib stays out of this header: it is a private dependency of the protocol library.
struct z_stream_s;

namespace flowscope::ws {

// How one direction's sender compresses.
struct DeflateParams {
  bool no_context_takeover = false;  // each message starts with an empty window
  int max_window_bits = 15;          // LZ77 window of 2^bits bytes, 8 to 15
};

struct PerMessageDeflate {
  DeflateParams client;  // client_no_context_takeover, client_max_window_bits
  DeflateParams server;  // server_no_context_takeover, server_max_window_bits

  const DeflateParams& sent_by(Direction d) const {
    return d == Direction::kClientToServer ? client : server;
  }
};

// The negotiated parameters from the Sec-WebSocket-Extensions value of the 101
// response (the server's choice; several fields joined with ", "). nullopt when the
// server did not accept permessage-deflate. Errors are what RFC 7692 §5 tells a client
// to fail the connection for: an unknown or repeated parameter, a bad value
// (window bits outside 8-15, leading zeros, a value on a no_context_takeover), a
// client_max_window_bits without a value, or permessage-deflate accepted twice.
Result<std::optional<PerMessageDeflate>> parse_permessage_deflate(
    std::string_view response_extensions);

struct InflatedMessage {
  std::string data;        // the first max_output bytes of the inflated message
  std::uint64_t size = 0;  // all of it
  bool truncated() const { return size > data.size(); }
};

// One direction's inflater. Feed it the payload pieces of each compressed message (RSV1
// set on its first frame) as they arrive, then end_message(); uncompressed messages
// are not part of the stream and are not fed.
class Inflater {
 public:
  // `max_output` caps what a message keeps; the rest is inflated (the next message may
  // refer to it) and counted, never stored, so memory stays bounded.
  static Result<Inflater> create(const DeflateParams& params, std::size_t max_output);

  Inflater(Inflater&&) = default;
  Inflater& operator=(Inflater&&) = default;

  // A piece of the current message's payload, as it came (the sender removed the
  // final 00 00 ff ff). After a failure in this message, or after a final (BFINAL)
  // block ended its DEFLATE stream, the rest of the message is ignored.
  void feed(std::string_view compressed);

  // Ends the message: inflates the 00 00 ff ff tail RFC 7692 §7.2.2 has the receiver
  // append, and returns the message or why it could not be inflated. Without context
  // takeover the stream starts afresh for the next message, so a failure costs only
  // this message; with it, a failure breaks every later message of the direction.
  Result<InflatedMessage> end_message();

  // An earlier message failed under context takeover: no later one can be inflated.
  bool broken() const { return broken_; }

 private:
  struct ZStreamDeleter {
    void operator()(z_stream_s* z) const;
  };
  static constexpr std::size_t kChunk = 16 * 1024;

  Inflater(const DeflateParams& params, std::size_t max_output);
  void inflate_piece(std::string_view in);
  void restart_keeping_window();
  void keep(const unsigned char* out, std::size_t n);

  DeflateParams params_;
  std::size_t max_output_;
  std::unique_ptr<z_stream_s, ZStreamDeleter> z_;  // zlib's state points back at it: never moved
  std::unique_ptr<std::array<unsigned char, kChunk>> chunk_;
  InflatedMessage message_;
  std::optional<std::string> error_;  // the current message's failure
  bool stream_ended_ = false;         // the current message had a final (BFINAL) block
  bool broken_ = false;
};

}  // namespace flowscope::ws
