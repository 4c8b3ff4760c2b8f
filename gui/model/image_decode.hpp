#pragma once
// Image bodies turned into RGBA pixels for a texture (stb_image: PNG, JPEG, GIF, BMP...).
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace flowscope::gui {

// A body claims its size in its header; anything larger is refused before decoding
// so a hostile image cannot make us allocate gigabytes.
inline constexpr int kMaxImageSide = 8192;

struct DecodedImage {
  int width = 0, height = 0;
  std::vector<unsigned char> rgba;  // width * height * 4 bytes, rows top to bottom
};

Result<DecodedImage> decode_image(std::string_view bytes);

}  // namespace flowscope::gui
