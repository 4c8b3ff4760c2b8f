#pragma once
// The vocabulary of RFC 6455 §5: opcodes, directions and one frame's header, shared by
// the parser, the message assembler and the encoder.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace flowscope::ws {

// The 4-bit opcode as it was on the wire. Values outside the named ones are reserved
// (3-7 for data, 11-15 for control); the parser reports them, the encoder can write
// them (static_cast) so tests can send them.
enum class Opcode : std::uint8_t {
  kContinuation = 0x0,
  kText = 0x1,
  kBinary = 0x2,
  kClose = 0x8,
  kPing = 0x9,
  kPong = 0xa,
};

// Control frames have the high bit of the opcode set (§5.5).
constexpr bool is_control(Opcode op) {
  return (static_cast<std::uint8_t>(op) & 0x8) != 0;
}
constexpr bool is_reserved(Opcode op) {
  auto v = static_cast<std::uint8_t>(op);
  return (v >= 0x3 && v <= 0x7) || v >= 0xb;
}
// "text", "binary", "close", …; "reserved" for the others.
std::string_view opcode_name(Opcode op);

// Which peer sent the bytes. Client frames must be masked and server frames must not
// be (§5.1), so the parser is told which side it reads.
enum class Direction { kClientToServer, kServerToClient };
std::string_view direction_name(Direction d);  // "client" or "server": who sent it

// How the payload length was written: in the 7 bits of the second byte, or in the 16
// or 64 bits after it. Non-minimal forms (a 64-bit 5) are accepted: §5.2 tells senders
// to use the minimal one but no receiver we relay to fails the connection for it.
enum class LengthForm : std::uint8_t { k7Bit, k16Bit, k64Bit };

using MaskKey = std::array<std::uint8_t, 4>;

struct FrameHeader {
  bool fin = true;
  bool rsv1 = false;  // "compressed" under permessage-deflate (RFC 7692 §6)
  bool rsv2 = false;
  bool rsv3 = false;
  Opcode opcode = Opcode::kText;
  bool masked = false;
  MaskKey mask_key{};  // meaningful when masked
  std::uint64_t payload_length = 0;
  LengthForm length_form = LengthForm::k7Bit;
  std::uint8_t header_size = 2;  // bytes on the wire before the payload: 2 to 14
  std::uint64_t offset = 0;      // where the frame starts in its direction's byte stream
};

// A violation of RFC 6455 (or RFC 7692) the peer would fail the connection for. The
// parser stops at the first one; the relay still forwards every byte unmodified.
struct ProtocolError {
  std::string message;
  std::uint16_t close_code = 1002;  // what a failing endpoint sends: 1002, or 1007 for bad UTF-8
  std::uint64_t offset = 0;         // start of the offending frame in its direction's stream
};

}  // namespace flowscope::ws
