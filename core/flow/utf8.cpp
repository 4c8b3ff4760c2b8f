#include "core/flow/utf8.hpp"

#include <cstdint>
#include <cstring>

#include "core/flow/swar.hpp"

namespace flowscope::flow {

bool is_valid_utf8(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* end = p + bytes.size();
  while (p < end) {
    // ASCII fast path: eight bytes at a time while no high bit is set.
    while (end - p >= 8) {
      std::uint64_t chunk;
      std::memcpy(&chunk, p, 8);
      if (chunk & 0x8080808080808080ULL) break;
      p += 8;
    }
    if (p == end) break;
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    // Ranges from the Unicode Standard, Table 3-7 (well-formed UTF-8 byte sequences).
    std::size_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (static_cast<std::size_t>(end - p) < len) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (std::size_t i = 2; i < len; ++i) {
      if (p[i] < 0x80 || p[i] > 0xBF) return false;
    }
    p += len;
  }
  return true;
}

bool body_reads_as_text(std::string_view bytes) {
  std::size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    if (!swar::any_below(swar::load8(bytes.data() + i), 0x20)) continue;
    for (std::size_t j = i; j < i + 8; ++j) {
      auto c = static_cast<unsigned char>(bytes[j]);
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
    }
  }
  for (; i < bytes.size(); ++i) {
    auto c = static_cast<unsigned char>(bytes[i]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
  }
  return is_valid_utf8(bytes);
}

bool ws_payload_reads_as_text(std::uint8_t opcode, std::string_view payload) {
  return (opcode == 1 || opcode == 8) && is_valid_utf8(payload);
}

}  // namespace flowscope::flow
