#include "tests/support/digest.hpp"

#include <openssl/evp.h>

#include <stdexcept>
#include <vector>

namespace flowscope::testsupport {

struct Sha256::Impl {
  EVP_MD_CTX* ctx = nullptr;
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  impl_->ctx = EVP_MD_CTX_new();
  if (impl_->ctx == nullptr || EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("EVP_DigestInit_ex(sha256) failed");
  }
}

Sha256::~Sha256() {
  EVP_MD_CTX_free(impl_->ctx);
}

void Sha256::update(std::string_view data) {
  if (!data.empty()) EVP_DigestUpdate(impl_->ctx, data.data(), data.size());
}

std::string Sha256::hex_digest() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(impl_->ctx, md, &len);
  static const char* const kHex = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 0xf]);
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  Sha256 h;
  h.update(data);
  return h.hex_digest();
}

namespace {
std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
}  // namespace

void fill_pattern(std::uint64_t offset, char* out, std::size_t n) {
  std::size_t i = 0;
  while (i < n) {
    const std::uint64_t pos = offset + i;
    const std::uint64_t word = splitmix64(pos / 8);
    for (std::uint64_t b = pos % 8; b < 8 && i < n; ++b, ++i) {
      out[i] = static_cast<char>((word >> (b * 8)) & 0xff);
    }
  }
}

std::string pattern(std::uint64_t offset, std::size_t n) {
  std::string out(n, '\0');
  fill_pattern(offset, out.data(), n);
  return out;
}

std::string pattern_sha256(std::uint64_t size) {
  Sha256 h;
  std::vector<char> block(256 * 1024);
  for (std::uint64_t off = 0; off < size;) {
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), size - off));
    fill_pattern(off, block.data(), n);
    h.update(std::string_view(block.data(), n));
    off += n;
  }
  return h.hex_digest();
}

}  // namespace flowscope::testsupport
