#pragma once
// Which bytes the flow record may hold as JSON text, and which must go as base64.
#include <cstdint>
#include <string_view>

namespace flowscope::flow {

// Strict UTF-8 (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF), the
// same rule nlohmann::json applies when it dumps a string.
bool is_valid_utf8(std::string_view bytes);

// Bodies are stored as text only when they read as text: valid UTF-8 without control
// bytes other than TAB, LF and CR. JSON escapes any other control byte as six
// characters, so binary that happens to be valid UTF-8 (NUL padding, protobuf) is
// smaller as base64.
bool body_reads_as_text(std::string_view bytes);

// A WebSocket payload is stored as text when it is text by its opcode, a text message
// (1) or a close frame's reason (8), and is valid UTF-8; a text message cut by the limit
// mid-character, binary messages, pings and pongs go as base64. Control bytes stay text
// here, unlike bodies: a text message is text by declaration, not by guess.
bool ws_payload_reads_as_text(std::uint8_t opcode, std::string_view payload);

}  // namespace flowscope::flow
