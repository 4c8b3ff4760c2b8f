#include "core/base64.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstdint>

namespace flowscope {

namespace {

// EVP_*Block take an int length; work in chunks whose size is a multiple of both 3
// (input of encode) and 4 (input of decode) so chunk boundaries never split a group.
constexpr std::size_t kEncodeChunk = 3 * 1024 * 1024;
constexpr std::size_t kDecodeChunk = 4 * 1024 * 1024;

constexpr std::array<bool, 256> make_alphabet() {
  std::array<bool, 256> table{};
  for (char c = 'A'; c <= 'Z'; ++c) table[static_cast<unsigned char>(c)] = true;
  for (char c = 'a'; c <= 'z'; ++c) table[static_cast<unsigned char>(c)] = true;
  for (char c = '0'; c <= '9'; ++c) table[static_cast<unsigned char>(c)] = true;
  table['+'] = true;
  table['/'] = true;
  return table;
}
constexpr std::array<bool, 256> kAlphabet = make_alphabet();

}  // namespace

std::string base64_encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  std::size_t written = 0;
  for (std::size_t at = 0; at < data.size(); at += kEncodeChunk) {
    std::size_t n = std::min(kEncodeChunk, data.size() - at);
    int produced = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data() + written),
                                   reinterpret_cast<const unsigned char*>(data.data() + at),
                                   static_cast<int>(n));
    written += static_cast<std::size_t>(produced);
  }
  out.resize(written);
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  // EVP_DecodeBlock skips surrounding whitespace and decodes '=' as zero bits, so the
  // strict checks are ours: alphabet only, and '=' only as the last one or two bytes.
  std::size_t padding = 0;
  if (!text.empty() && text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  for (std::size_t i = 0; i < text.size() - padding; ++i) {
    if (!kAlphabet[static_cast<unsigned char>(text[i])]) return std::nullopt;
  }
  std::string out(text.size() / 4 * 3, '\0');
  std::size_t written = 0;
  for (std::size_t at = 0; at < text.size(); at += kDecodeChunk) {
    std::size_t n = std::min(kDecodeChunk, text.size() - at);
    int produced = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data() + written),
                                   reinterpret_cast<const unsigned char*>(text.data() + at),
                                   static_cast<int>(n));
    if (produced < 0) return std::nullopt;
    written += static_cast<std::size_t>(produced);
  }
  out.resize(written - padding);
  return out;
}

}  // namespace flowscope
