#include "core/ws/close.hpp"

#include "core/flow/utf8.hpp"

namespace flowscope::ws {

bool is_valid_close_code(std::uint16_t code) {
  if (code >= 3000 && code <= 4999) return true;
  if (code < 1000 || code > 1014) return false;
  return code != 1004 && code != close_code::kNoStatus && code != close_code::kAbnormal;
}

std::expected<ClosePayload, ProtocolError> parse_close_payload(std::string_view payload) {
  if (payload.empty()) return ClosePayload{};
  if (payload.size() == 1) {
    return std::unexpected(ProtocolError{
        "close frame with a 1-byte payload: a close payload is empty or starts with a 2-byte "
        "code (RFC 6455 §5.5.1)"});
  }
  auto code = static_cast<std::uint16_t>((static_cast<std::uint8_t>(payload[0]) << 8) |
                                         static_cast<std::uint8_t>(payload[1]));
  if (!is_valid_close_code(code)) {
    return std::unexpected(ProtocolError{"close frame with code " + std::to_string(code) +
                                         ", which may not be sent (RFC 6455 §7.4)"});
  }
  std::string_view reason = payload.substr(2);
  if (!flow::is_valid_utf8(reason)) {
    return std::unexpected(
        ProtocolError{"close frame whose reason is not valid UTF-8 (RFC 6455 §5.5.1)",
                      close_code::kInvalidPayload});
  }
  return ClosePayload{code, std::string(reason)};
}

std::string encode_close_payload(std::uint16_t code, std::string_view reason) {
  std::string out;
  out.reserve(2 + reason.size());
  out.push_back(static_cast<char>(code >> 8));
  out.push_back(static_cast<char>(code & 0xff));
  out.append(reason);
  return out;
}

}  // namespace flowscope::ws
