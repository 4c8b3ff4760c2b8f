#pragma once
// Writing frames (RFC 6455 §5.2): the frames the proxy sends itself (a close with 1002
// when a peer breaks the protocol) and the frames tests feed the parser. Relayed
// frames are never re-encoded; they pass as they came.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/ws/frame.hpp"

namespace flowscope::ws {

struct FrameOptions {
  bool fin = true;
  bool rsv1 = false;
  bool rsv2 = false;
  bool rsv3 = false;
  // Frames a client sends are masked (§5.3), with a key the peer cannot predict.
  std::optional<MaskKey> mask;
  // The smallest length form to use. A larger one than the length needs writes a
  // non-minimal length, which a parser must accept.
  LengthForm min_length_form = LengthForm::k7Bit;
};

// The header of a frame with `payload_length` bytes of payload; any opcode (reserved
// ones included) and any 64-bit length (the MSB too) are written as given.
std::string encode_frame_header(Opcode opcode, std::uint64_t payload_length,
                                const FrameOptions& options = {});

// A whole frame: the header and the payload, masked when options.mask is set.
std::string encode_frame(Opcode opcode, std::string_view payload, const FrameOptions& options = {});

// A close frame with `code` and `reason`; a reason longer than the 123 bytes a control
// frame has room for is cut at a UTF-8 character boundary.
std::string encode_close_frame(std::uint16_t code, std::string_view reason,
                               std::optional<MaskKey> mask = std::nullopt);

// A mask key from OpenSSL's CSPRNG, for frames the proxy sends as a client.
MaskKey random_mask_key();

}  // namespace flowscope::ws
