#pragma once
// SHA-256 as lower-case hex, for telling bodies apart without printing them.
#include <string>
#include <string_view>

namespace flowscope::compare {

std::string sha256_hex(std::string_view bytes);

}  // namespace flowscope::compare
