#include "core/ws/frame_encoder.hpp"

#include <openssl/rand.h>

#include <algorithm>

#include "core/ws/close.hpp"

namespace flowscope::ws {

namespace {

constexpr std::size_t kMaxCloseReason = 123;  // 125 bytes of control payload less the code

LengthForm minimal_form(std::uint64_t length) {
  if (length <= 125) return LengthForm::k7Bit;
  if (length <= 0xffff) return LengthForm::k16Bit;
  return LengthForm::k64Bit;
}

}  // namespace

std::string encode_frame_header(Opcode opcode, std::uint64_t payload_length,
                                const FrameOptions& options) {
  std::string out;
  out.reserve(14);
  std::uint8_t first = static_cast<std::uint8_t>(opcode) & 0x0f;
  if (options.fin) first |= 0x80;
  if (options.rsv1) first |= 0x40;
  if (options.rsv2) first |= 0x20;
  if (options.rsv3) first |= 0x10;
  out.push_back(static_cast<char>(first));

  const std::uint8_t mask_bit = options.mask ? 0x80 : 0x00;
  const LengthForm form = std::max(minimal_form(payload_length), options.min_length_form);
  int extended_bytes = 0;
  switch (form) {
    case LengthForm::k7Bit:
      out.push_back(static_cast<char>(mask_bit | payload_length));
      break;
    case LengthForm::k16Bit:
      out.push_back(static_cast<char>(mask_bit | 126));
      extended_bytes = 2;
      break;
    case LengthForm::k64Bit:
      out.push_back(static_cast<char>(mask_bit | 127));
      extended_bytes = 8;
      break;
  }
  for (int i = extended_bytes - 1; i >= 0; --i) {
    out.push_back(static_cast<char>((payload_length >> (8 * i)) & 0xff));
  }
  if (options.mask) {
    for (std::uint8_t b : *options.mask) out.push_back(static_cast<char>(b));
  }
  return out;
}

std::string encode_frame(Opcode opcode, std::string_view payload, const FrameOptions& options) {
  std::string out = encode_frame_header(opcode, payload.size(), options);
  const std::size_t start = out.size();
  out.append(payload);
  if (options.mask) {
    const MaskKey& key = *options.mask;
    for (std::size_t i = 0; i < payload.size(); ++i) {
      out[start + i] = static_cast<char>(static_cast<std::uint8_t>(out[start + i]) ^ key[i & 3]);
    }
  }
  return out;
}

std::string encode_close_frame(std::uint16_t code, std::string_view reason,
                               std::optional<MaskKey> mask) {
  if (reason.size() > kMaxCloseReason) {
    std::size_t cut = kMaxCloseReason;
    // Back up over continuation bytes (10xxxxxx) so no character is split.
    while (cut > 0 && (static_cast<std::uint8_t>(reason[cut]) & 0xc0) == 0x80) --cut;
    reason = reason.substr(0, cut);
  }
  FrameOptions options;
  options.mask = mask;
  return encode_frame(Opcode::kClose, encode_close_payload(code, reason), options);
}

MaskKey random_mask_key() {
  MaskKey key{};
  // RAND_bytes fails only when the CSPRNG cannot be seeded; a fixed key then still
  // makes a valid frame, merely a predictable one.
  if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) key = {0x5a, 0x5a, 0x5a, 0x5a};
  return key;
}

}  // namespace flowscope::ws
