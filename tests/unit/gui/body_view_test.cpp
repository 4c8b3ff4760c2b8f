#include "gui/model/body_view.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include "tests/support/compress.hpp"

#include "gui/model/hex_dump.hpp"

namespace flowscope::gui {
namespace {

using test::zlib_compress;

flow::Body body_of(std::string data) {
  flow::Body body;
  body.size = data.size();
  body.data = std::move(data);
  return body;
}

http::Headers encoded(std::string coding) {
  http::Headers headers;
  headers.add("Content-Encoding", std::move(coding));
  return headers;
}

const std::string kText = "{\"hello\": \"world\", \"n\": [1, 2, 3]}";

TEST(BodyView, DecodesGzipDeflateAndZstd) {
  const std::string gz = zlib_compress(kText, 16 + MAX_WBITS);
  DecodedBody out = decode_body(body_of(gz), encoded("gzip"));
  EXPECT_EQ(out.bytes, kText);
  EXPECT_EQ(out.coding, "gzip");
  EXPECT_TRUE(out.error.empty());

  out = decode_body(body_of(zlib_compress(kText, MAX_WBITS)), encoded("deflate"));
  EXPECT_EQ(out.bytes, kText);
  EXPECT_EQ(out.coding, "deflate");

  out = decode_body(body_of(test::zstd(kText)), encoded("zstd"));
  EXPECT_EQ(out.bytes, kText);
  EXPECT_EQ(out.coding, "zstd");
}

TEST(BodyView, DecodesBrotli) {
  // libbrotlienc is not linked into the tests: 1 MiB of zero bytes, brotli-compressed.
  const unsigned char kBrotliMiBOfZeros[] = {
      0x5b, 0xff, 0xff, 0x8f, 0x7f, 0x02, 0x20, 0x1e, 0x0b, 0x04, 0x72, 0xef, 0x1f, 0x00,
  };
  DecodedBody out = decode_body(
      body_of(std::string(reinterpret_cast<const char*>(kBrotliMiBOfZeros), sizeof kBrotliMiBOfZeros)),
      encoded("br"));
  EXPECT_TRUE(out.error.empty()) << out.error;
  EXPECT_EQ(out.bytes, std::string(1 << 20, '\0'));
  EXPECT_EQ(out.coding, "br");
}

TEST(BodyView, UndecodableBodyKeepsTheRecordedBytesAndSaysWhy) {
  const std::string garbage = "this is not gzip at all";
  DecodedBody out = decode_body(body_of(garbage), encoded("gzip"));
  EXPECT_EQ(out.bytes, garbage);
  EXPECT_TRUE(out.coding.empty());
  EXPECT_FALSE(out.error.empty());

  flow::Body cut = body_of(zlib_compress(kText, 16 + MAX_WBITS).substr(0, 10));
  cut.size = 100;
  cut.truncated = true;
  out = decode_body(cut, encoded("gzip"));
  EXPECT_TRUE(out.truncated);
  EXPECT_NE(out.error.find("part"), std::string::npos);
  EXPECT_EQ(out.bytes, cut.data);
}

TEST(BodyView, NoEncodingIsPassedThrough) {
  DecodedBody out = decode_body(body_of("plain"), http::Headers{});
  EXPECT_EQ(out.bytes, "plain");
  EXPECT_TRUE(out.coding.empty());
  EXPECT_TRUE(out.error.empty());
}

TEST(BodyView, AutoModeByContentTypeAndMagic) {
  EXPECT_EQ(auto_mode("application/json; charset=utf-8", kText), BodyMode::kJson);
  EXPECT_EQ(auto_mode("application/problem+json", "[1]"), BodyMode::kJson);
  EXPECT_EQ(auto_mode("text/plain", kText), BodyMode::kJson);  // JSON served as text
  EXPECT_EQ(auto_mode("application/json", "not json"), BodyMode::kText);
  EXPECT_EQ(auto_mode("application/octet-stream", "\x89PNG\r\n\x1a\n....."), BodyMode::kImage);
  EXPECT_EQ(auto_mode("", "\xff\xd8\xff\xe0 jfif"), BodyMode::kImage);
  EXPECT_EQ(auto_mode("image/gif", "GIF89a..."), BodyMode::kImage);
  EXPECT_EQ(auto_mode("text/html", "<html>héllo</html>"), BodyMode::kText);
  EXPECT_EQ(auto_mode("application/octet-stream", std::string("\x00\x01\x02\xfe", 4)), BodyMode::kHex);
  EXPECT_EQ(auto_mode("text/plain", "bad \xc3 utf8"), BodyMode::kHex);
  EXPECT_EQ(auto_mode("", ""), BodyMode::kText);
}

TEST(BodyView, PagesALargeBodyWithoutSplittingCharacters) {
  EXPECT_EQ(page_count(0), 1u);
  EXPECT_EQ(page_count(kBodyPageBytes), 1u);
  EXPECT_EQ(page_count(kBodyPageBytes + 1), 2u);
  // "é" (2 bytes) straddles the page boundary.
  std::string text(kBodyPageBytes - 1, 'a');
  text += "\xc3\xa9";
  text += "tail";
  std::string_view first = body_page(text, 0, true);
  std::string_view second = body_page(text, 1, true);
  EXPECT_EQ(first.size(), kBodyPageBytes - 1);
  EXPECT_EQ(second, "\xc3\xa9tail");
  EXPECT_EQ(body_page(text, 0, false).size(), kBodyPageBytes);
  EXPECT_EQ(body_page(text, 99, true), second);  // clamped to the last page
}

TEST(BodyView, FindsAllMatchesUpToTheLimit) {
  EXPECT_EQ(find_all("abcABCabc", "abc", false, 10), (std::vector<std::size_t>{0, 6}));
  EXPECT_EQ(find_all("abcABCabc", "abc", true, 10), (std::vector<std::size_t>{0, 3, 6}));
  EXPECT_EQ(find_all("abcABCabc", "ABC", true, 2), (std::vector<std::size_t>{0, 3}));
  EXPECT_EQ(find_all("aaaa", "aa", false, 10), (std::vector<std::size_t>{0, 2}));  // no overlap
  EXPECT_TRUE(find_all("abc", "", false, 10).empty());
  EXPECT_TRUE(find_all("abc", "x", false, 10).empty());
}

TEST(HexDump, FormatsOffsetsHexAndPrintables) {
  const std::string data = "Hello, world!\n\x01\xff" "0123456789";
  ASSERT_EQ(data.size(), 26u);
  EXPECT_EQ(hex_dump_lines(0), 0u);
  EXPECT_EQ(hex_dump_lines(16), 1u);
  EXPECT_EQ(hex_dump_lines(data.size()), 2u);
  EXPECT_EQ(hex_dump_line(data, 0),
            "00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 01 ff  |Hello, world!...|");
  // The last partial line pads the hex so the text column stays aligned.
  EXPECT_EQ(hex_dump_line(data, 16),
            "00000010  30 31 32 33 34 35 36 37  38 39                    |0123456789|");
  EXPECT_EQ(hex_dump_line(data, 16).find('|'), hex_dump_line(data, 0).find('|'));
  EXPECT_EQ(hex_dump_line(data, 32), "");
}

}  // namespace
}  // namespace flowscope::gui
