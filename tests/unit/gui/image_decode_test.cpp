#include "gui/model/image_decode.hpp"

#include <gtest/gtest.h>

#include <stb/stb_image_write.h>

#include "gui/model/body_view.hpp"

namespace flowscope::gui {
namespace {

void append_bytes(void* context, void* data, int size) {
  static_cast<std::string*>(context)->append(static_cast<const char*>(data), static_cast<std::size_t>(size));
}

TEST(ImageDecode, DecodesAPngToRgba) {
  // 2x1: one red pixel, one half-transparent blue one.
  const unsigned char pixels[] = {255, 0, 0, 255, 0, 0, 255, 128};
  std::string png;
  ASSERT_TRUE(stbi_write_png_to_func(append_bytes, &png, 2, 1, 4, pixels, 8));
  EXPECT_EQ(auto_mode("image/png", png), BodyMode::kImage);
  auto image = decode_image(png);
  ASSERT_TRUE(image) << image.error().message;
  EXPECT_EQ(image->width, 2);
  EXPECT_EQ(image->height, 1);
  EXPECT_EQ(image->rgba, std::vector<unsigned char>(pixels, pixels + 8));
}

TEST(ImageDecode, RefusesGarbageAndEmptyBodies) {
  EXPECT_FALSE(decode_image(""));
  auto garbage = decode_image("\x89PNG\r\n\x1a\n but then nothing sensible");
  ASSERT_FALSE(garbage);
  EXPECT_FALSE(garbage.error().message.empty());
}

TEST(ImageDecode, RefusesAnImageLargerThanTheCapBeforeDecoding) {
  // A 1x1 PNG whose header is rewritten to claim 9000x9000 pixels.
  const unsigned char pixel[] = {1, 2, 3, 4};
  std::string png;
  ASSERT_TRUE(stbi_write_png_to_func(append_bytes, &png, 1, 1, 4, pixel, 4));
  // IHDR width and height: big-endian at bytes 16..23.
  const unsigned char side[] = {0x00, 0x00, 0x23, 0x28};  // 9000
  png.replace(16, 4, reinterpret_cast<const char*>(side), 4);
  png.replace(20, 4, reinterpret_cast<const char*>(side), 4);
  auto image = decode_image(png);
  ASSERT_FALSE(image);
  EXPECT_NE(image.error().message.find("9000x9000"), std::string::npos) << image.error().message;
}

}  // namespace
}  // namespace flowscope::gui
