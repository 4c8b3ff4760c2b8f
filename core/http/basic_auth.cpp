#include "core/http/basic_auth.hpp"

#include "core/base64.hpp"
#include "core/http/message.hpp"

namespace flowscope::http {

std::optional<std::string> decode_basic_credentials(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  auto space = value.find(' ');
  if (space == std::string_view::npos || !iequals(value.substr(0, space), "basic")) return std::nullopt;
  std::string_view token = value.substr(space + 1);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.size() > 64 * 1024) return std::nullopt;  // no credential is that long
  return base64_decode(token);
}

}  // namespace flowscope::http
