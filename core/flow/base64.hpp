#pragma once
// Standard base64 (RFC 4648 §4, with padding) for stored bodies and header bytes.
// http::base64_decode caps its input for credentials; bodies need no such cap.
#include <optional>
#include <string>
#include <string_view>

namespace flowscope::flow {

std::string base64_encode(std::string_view data);
// nullopt unless `text` is canonical padded base64: no whitespace, no stray '='.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace flowscope::flow
