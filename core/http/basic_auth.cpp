#include "core/http/basic_auth.hpp"

#include <openssl/evp.h>

#include <vector>

#include "core/http/message.hpp"

namespace flowscope::http {

std::string base64_encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0 || text.size() > 64 * 1024) return std::nullopt;
  std::vector<unsigned char> out(text.size() / 4 * 3 + 1);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock keeps the padding bytes as zeros: drop one per '='.
  std::size_t padding = 0;
  for (auto it = text.rbegin(); it != text.rend() && *it == '=' && padding < 2; ++it) ++padding;
  return std::string(reinterpret_cast<char*>(out.data()), static_cast<std::size_t>(n) - padding);
}

std::optional<std::string> decode_basic_credentials(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  auto space = value.find(' ');
  if (space == std::string_view::npos || !iequals(value.substr(0, space), "basic")) return std::nullopt;
  std::string_view token = value.substr(space + 1);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return base64_decode(token);
}

}  // namespace flowscope::http
