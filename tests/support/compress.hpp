#pragma once
// Compressors for tests of the decoders (content decoding, the GUI's body view): the
// encoders are linked into the tests only, never into flowscope.
#include <string>
#include <string_view>

namespace flowscope::test {

// windowBits: 16+15 gzip, 15 zlib-wrapped deflate, -15 raw deflate.
std::string zlib_compress(std::string_view data, int window_bits);
std::string gzip(std::string_view data);
std::string zlib_wrapped(std::string_view data);
std::string raw_deflate(std::string_view data);
std::string zstd(std::string_view data);

}  // namespace flowscope::test
