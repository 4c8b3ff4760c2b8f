#include "gui/model/image_decode.hpp"

#include <limits>
#include <string>

#include <stb/stb_image.h>

namespace flowscope::gui {

Result<DecodedImage> decode_image(std::string_view bytes) {
  if (bytes.empty()) return fail("the body is empty");
  if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    return fail("the body is too large to decode as an image");
  const auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
  const int length = static_cast<int>(bytes.size());
  int width = 0, height = 0, channels = 0;
  if (!stbi_info_from_memory(data, length, &width, &height, &channels))
    return fail(std::string("not an image stb_image can read: ") + stbi_failure_reason());
  if (width <= 0 || height <= 0 || width > kMaxImageSide || height > kMaxImageSide)
    return fail("the image is " + std::to_string(width) + "x" + std::to_string(height) +
                ", larger than the " + std::to_string(kMaxImageSide) + "x" +
                std::to_string(kMaxImageSide) + " shown");
  stbi_uc* pixels = stbi_load_from_memory(data, length, &width, &height, &channels, 4);
  if (pixels == nullptr)
    return fail(std::string("the image could not be decoded: ") + stbi_failure_reason());
  DecodedImage image;
  image.width = width;
  image.height = height;
  image.rgba.assign(pixels, pixels + static_cast<std::size_t>(width) * height * 4);
  stbi_image_free(pixels);
  return image;
}

}  // namespace flowscope::gui
