#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace flowscope::http {

// "Basic dXNlcjpwYXNz" → "user:pass"; nullopt for any other scheme or bad base64.
std::optional<std::string> decode_basic_credentials(std::string_view header_value);

}  // namespace flowscope::http
