#pragma once
// Hashing and a deterministic byte pattern, so tests can move large bodies without
// keeping them: the sender generates the pattern on the fly, the receiver hashes
// what arrives, and both sides compare sizes and SHA-256 digests.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace flowscope::testsupport {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view data);
  // Lower-case hex; the object cannot be updated afterwards.
  std::string hex_digest();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string sha256_hex(std::string_view data);

// `n` bytes of the pattern starting at byte `offset`. Every byte depends on its
// position (a splitmix64 stream), so a dropped, duplicated or reordered piece
// changes the digest.
void fill_pattern(std::uint64_t offset, char* out, std::size_t n);
std::string pattern(std::uint64_t offset, std::size_t n);
// The SHA-256 of the first `size` bytes of the pattern.
std::string pattern_sha256(std::uint64_t size);

}  // namespace flowscope::testsupport
