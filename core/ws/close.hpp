#pragma once
// The close frame's payload (RFC 6455 §5.5.1): empty, or a 2-byte status code followed
// by a UTF-8 reason; and which codes may appear in it (§7.4).
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "core/ws/frame.hpp"

namespace flowscope::ws {

namespace close_code {
inline constexpr std::uint16_t kNormal = 1000;
inline constexpr std::uint16_t kGoingAway = 1001;
inline constexpr std::uint16_t kProtocolError = 1002;
inline constexpr std::uint16_t kUnsupportedData = 1003;
inline constexpr std::uint16_t kNoStatus = 1005;  // never on the wire: "no code was sent"
inline constexpr std::uint16_t kAbnormal =
    1006;  // never on the wire: "closed without a close frame"
inline constexpr std::uint16_t kInvalidPayload = 1007;
inline constexpr std::uint16_t kPolicyViolation = 1008;
inline constexpr std::uint16_t kMessageTooBig = 1009;
inline constexpr std::uint16_t kMandatoryExtension = 1010;
inline constexpr std::uint16_t kInternalError = 1011;
}  // namespace close_code

struct ClosePayload {
  std::optional<std::uint16_t> code;  // none when the payload was empty
  std::string reason;                 // valid UTF-8, at most 123 bytes
};

// Whether `code` may be sent in a close frame. 0-999 are unused, 1004-1006 and 1015
// are reserved or meant only for reports, and ≥ 5000 is undefined. Of 1000-2999 (for
// the protocol and registered extensions, §7.4.2) the defined codes are accepted:
// RFC 6455's 1000-1003 and 1007-1011, and 1012-1014, which the IANA registry added and
// browsers send. 3000-3999 (registered) and 4000-4999 (private use) are accepted.
bool is_valid_close_code(std::uint16_t code);

// Errors: a 1-byte payload, a code that may not be sent, a reason that is not UTF-8
// (close code 1007, §8.1). The error's offset is left 0 for the caller to fill in.
std::expected<ClosePayload, ProtocolError> parse_close_payload(std::string_view payload);

// The payload of a close frame with `code` and `reason` (the caller keeps the reason
// within 123 bytes so that the frame stays a valid control frame).
std::string encode_close_payload(std::uint16_t code, std::string_view reason);

}  // namespace flowscope::ws
