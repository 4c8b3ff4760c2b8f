#include "core/flow/content_decoding.hpp"

#include <gtest/gtest.h>

#include "tests/support/compress.hpp"

#include <random>

namespace flowscope::flow {
namespace {

// libbrotlienc is not linked into the tests, so brotli samples are embedded. Made with
// BrotliEncoderCompress(quality 11, lgwin 22) from libbrotli 1.0.9.
// kBrotliText decodes to 8 copies of kBrotliLine.
const char kBrotliLine[] =
    "{\"message\": \"Hello from brotli\", \"items\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], \"ok\": "
    "true}\n";
const unsigned char kBrotliText[] = {
    0x1b, 0xb7, 0x02, 0x80, 0x9d, 0x07, 0x76, 0xb3, 0x49, 0xa0, 0x07, 0x83, 0x2b, 0xda, 0x0b,
    0x2d, 0x31, 0x42, 0xa5, 0x43, 0xb4, 0x0d, 0x53, 0xbf, 0xd0, 0x7e, 0xb8, 0x52, 0x16, 0x8b,
    0x4d, 0x14, 0x04, 0xb1, 0x89, 0xa9, 0x80, 0xf4, 0x96, 0x2c, 0x30, 0x3a, 0x01, 0x02, 0x1b,
    0x70, 0x22, 0x94, 0x48, 0x20, 0x1a, 0xf1, 0x80, 0x78, 0xd8, 0x5a, 0x43, 0x32, 0xd5, 0xf0,
    0x40, 0xa6, 0xd6, 0x2b, 0xfa, 0xd9, 0x77, 0x0d, 0x10, 0x31, 0xe3, 0x2a, 0x94, 0x71, 0x41,
    0x94, 0x64, 0x85, 0xd4, 0xf0, 0x64, 0x7f, 0xf1, 0x0d, 0x9f, 0x0e,
};
// 1 MiB of zero bytes in 14 bytes: a small decompression bomb.
const unsigned char kBrotliMiBOfZeros[] = {
    0x5b, 0xff, 0xff, 0x8f, 0x7f, 0x02, 0x20, 0x1e, 0x0b, 0x04, 0x72, 0xef, 0x1f, 0x00,
};

std::string bytes_of(const unsigned char* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

std::string brotli_text_plain() {
  std::string out;
  for (int i = 0; i < 8; ++i) out += kBrotliLine;
  return out;
}

using test::gzip;
using test::raw_deflate;
using test::zlib_wrapped;
using test::zstd;

std::string sample_text() {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "line " + std::to_string(i) + ": the quick brown fox\n";
  return text;
}

void expect_error(const Result<std::string>& r, std::string_view part) {
  ASSERT_FALSE(r) << "decoded " << r->size() << " bytes";
  EXPECT_NE(r.error().message.find(part), std::string::npos) << r.error().message;
}

TEST(ContentDecoding, IdentityAndNoHeader) {
  EXPECT_EQ(decode_content("abc", ""), "abc");
  EXPECT_EQ(decode_content("abc", "identity"), "abc");
  EXPECT_EQ(decode_content("", "gzip"), "") << "HEAD/204/304 carry the header without a body";
  EXPECT_EQ(decode_content("", "br, zstd"), "");
}

TEST(ContentDecoding, EachCoding) {
  const std::string text = sample_text();
  EXPECT_EQ(decode_content(gzip(text), "gzip"), text);
  EXPECT_EQ(decode_content(gzip(text), "x-gzip"), text);
  EXPECT_EQ(decode_content(gzip(text), "GZip"), text);
  EXPECT_EQ(decode_content(zlib_wrapped(text), "deflate"), text);
  EXPECT_EQ(decode_content(raw_deflate(text), "deflate"), text)
      << "raw deflate, as some servers send";
  EXPECT_EQ(decode_content(zstd(text), "zstd"), text);
  EXPECT_EQ(decode_content(bytes_of(kBrotliText, sizeof kBrotliText), "br"), brotli_text_plain());
}

TEST(ContentDecoding, BinaryPayloadAndMultiMemberGzip) {
  std::string binary;
  std::mt19937 rng(7);
  for (int i = 0; i < 100000; ++i) binary.push_back(static_cast<char>(rng() % 256));
  EXPECT_EQ(decode_content(gzip(binary), "gzip"), binary);
  EXPECT_EQ(decode_content(zstd(binary), "zstd"), binary);
  EXPECT_EQ(decode_content(gzip("first,") + gzip("second"), "gzip"), "first,second");
  EXPECT_EQ(decode_content(zstd("first,") + zstd("second"), "zstd"), "first,second");
}

TEST(ContentDecoding, ChainedCodingsAreUndoneInReverse) {
  const std::string text = sample_text();
  EXPECT_EQ(decode_content(zstd(gzip(text)), "gzip, zstd"), text);
  EXPECT_EQ(decode_content(zstd(gzip(zlib_wrapped(text))), "deflate,gzip ,  zstd"), text);
  EXPECT_EQ(decode_content(gzip(bytes_of(kBrotliText, sizeof kBrotliText)), "br, gzip"),
            brotli_text_plain());
  EXPECT_EQ(decode_content(gzip(text), "identity, gzip"), text);
  // Applied in the wrong order, the outer coding cannot read the inner one.
  EXPECT_FALSE(decode_content(zstd(gzip(text)), "zstd, gzip"));
}

TEST(ContentDecoding, UnsupportedCoding) {
  expect_error(decode_content("x", "compress"), "unsupported content-coding \"compress\"");
  expect_error(decode_content("x", "gzip, aes128gcm"), "\"aes128gcm\"");
}

TEST(ContentDecoding, CorruptDataIsAnError) {
  const std::string text = sample_text();
  auto corrupt = [](std::string data) {
    for (std::size_t i = data.size() / 3; i < data.size() / 3 + 8 && i < data.size(); ++i)
      data[i] ^= 0x5a;
    return data;
  };
  expect_error(decode_content(corrupt(gzip(text)), "gzip"), "gzip body is corrupt");
  expect_error(decode_content("not gzip at all", "gzip"), "gzip body is corrupt");
  expect_error(decode_content(corrupt(zlib_wrapped(text)), "deflate"), "deflate body");
  expect_error(decode_content("\xff\xff\xff\xff", "deflate"), "deflate body is corrupt");
  expect_error(decode_content(corrupt(zstd(text)), "zstd"), "zstd body is corrupt");
  expect_error(decode_content("not zstd", "zstd"), "zstd body is corrupt");
  expect_error(decode_content(corrupt(bytes_of(kBrotliText, sizeof kBrotliText)), "br"), "br body");
  expect_error(decode_content("\xff\xff\xff\xff\xff", "br"), "br body is corrupt");
}

TEST(ContentDecoding, TruncatedDataIsAnError) {
  const std::string text = sample_text();
  auto half = [](std::string data) { return data.substr(0, data.size() / 2); };
  expect_error(decode_content(half(gzip(text)), "gzip"), "ends before its stream does");
  expect_error(decode_content(half(zlib_wrapped(text)), "deflate"), "ends before its stream does");
  expect_error(decode_content(half(zstd(text)), "zstd"), "ends before its stream does");
  expect_error(decode_content(half(bytes_of(kBrotliText, sizeof kBrotliText)), "br"),
               "ends before its stream does");
}

TEST(ContentDecoding, TrailingGarbageIsAnError) {
  const std::string text = sample_text();
  expect_error(decode_content(gzip(text) + "junk", "gzip"), "4 bytes of trailing data");
  expect_error(decode_content(zlib_wrapped(text) + "junk", "deflate"), "trailing data");
  expect_error(decode_content(bytes_of(kBrotliText, sizeof kBrotliText) + "junk", "br"),
               "trailing data");
}

TEST(ContentDecoding, OutputIsCapped) {
  const std::string zeros(10 * 1024 * 1024, '\0');
  expect_error(decode_content(gzip(zeros), "gzip", 1024 * 1024), "decodes to more than 1 MiB");
  expect_error(decode_content(zstd(zeros), "zstd", 1024 * 1024), "more than 1 MiB");
  expect_error(decode_content(zlib_wrapped(zeros), "deflate", 1000), "more than 1000 bytes");
  expect_error(
      decode_content(bytes_of(kBrotliMiBOfZeros, sizeof kBrotliMiBOfZeros), "br", 64 * 1024),
      "more than 64 KiB");
  auto exact =
      decode_content(bytes_of(kBrotliMiBOfZeros, sizeof kBrotliMiBOfZeros), "br", 1024 * 1024);
  ASSERT_TRUE(exact) << exact.error().message;
  EXPECT_EQ(*exact, std::string(1024 * 1024, '\0'));
  // Each stage of a chain is capped, not only the last.
  expect_error(decode_content(zstd(gzip(zeros)), "gzip, zstd", 1024 * 1024),
               "gzip body decodes to more than");
  expect_error(decode_content("abcdef", "identity", 3), "larger than the 3 bytes limit");
}

TEST(ContentDecoding, RandomInputNeverCrashes) {
  std::mt19937 rng(99);
  const std::string valid_gzip = gzip(sample_text());
  for (int i = 0; i < 2000; ++i) {
    std::string data = i % 2 ? valid_gzip : std::string(rng() % 300, '\0');
    for (int flips = 0; flips < 4 && !data.empty(); ++flips)
      data[rng() % data.size()] = static_cast<char>(rng());
    if (i % 2 == 0) {
      for (char& c : data) c = static_cast<char>(rng());
    }
    for (const char* coding : {"gzip", "deflate", "br", "zstd"}) {
      auto r = decode_content(data, coding, 1 << 20);
      if (r) {
        EXPECT_LE(r->size(), 1u << 20);
      }
    }
  }
}

}  // namespace
}  // namespace flowscope::flow
