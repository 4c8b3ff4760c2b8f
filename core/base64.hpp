#pragma once
// Standard base64 (RFC 4648 §4, with padding): stored bodies and header bytes,
// HAR content, and Basic proxy credentials.
#include <optional>
#include <string>
#include <string_view>

namespace flowscope {

std::string base64_encode(std::string_view data);
// nullopt unless `text` is canonical padded base64: no whitespace, no stray '='.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace flowscope
