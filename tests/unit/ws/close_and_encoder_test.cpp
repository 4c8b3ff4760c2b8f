// Close codes (RFC 6455 §7.4), close payloads, and the bytes the encoder writes.
#include <gtest/gtest.h>

#include <set>

#include "core/ws/close.hpp"
#include "core/ws/frame_encoder.hpp"
#include "tests/unit/ws/ws_test_support.hpp"

namespace flowscope::ws {
namespace {

using test::bytes;

TEST(CloseCode, ValidRanges) {
  std::set<int> valid;
  for (int code = 0; code <= 65535; ++code)
    if (is_valid_close_code(static_cast<std::uint16_t>(code))) valid.insert(code);
  for (int code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000,
                   3999, 4000, 4999})
    EXPECT_TRUE(valid.count(code)) << code;
  for (int code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535})
    EXPECT_FALSE(valid.count(code)) << code;
  // 1000-1003, 1007-1014, and all of 3000-4999.
  EXPECT_EQ(valid.size(), 4u + 8u + 2000u);
}

TEST(ClosePayload, Parses) {
  auto empty = parse_close_payload("");
  ASSERT_TRUE(empty);
  EXPECT_FALSE(empty->code);
  EXPECT_EQ(empty->reason, "");

  auto normal = parse_close_payload(bytes({0x03, 0xe8}) + "done");
  ASSERT_TRUE(normal);
  EXPECT_EQ(normal->code, 1000);
  EXPECT_EQ(normal->reason, "done");

  auto one = parse_close_payload(bytes({0x03}));
  ASSERT_FALSE(one);
  EXPECT_EQ(one.error().close_code, 1002);

  auto reserved = parse_close_payload(bytes({0x03, 0xee}));  // 1006
  ASSERT_FALSE(reserved);
  EXPECT_EQ(reserved.error().message,
            "close frame with code 1006, which may not be sent (RFC 6455 §7.4)");

  auto bad_text = parse_close_payload(bytes({0x03, 0xe8, 0xed, 0xa0, 0x80}));  // a surrogate
  ASSERT_FALSE(bad_text);
  EXPECT_EQ(bad_text.error().close_code, 1007);
}

TEST(FrameEncoder, RfcExamples) {
  EXPECT_EQ(encode_frame(Opcode::kText, "Hello"), bytes({0x81, 0x05, 'H', 'e', 'l', 'l', 'o'}));
  FrameOptions masked;
  masked.mask = MaskKey{0x37, 0xfa, 0x21, 0x3d};
  EXPECT_EQ(encode_frame(Opcode::kText, "Hello", masked),
            bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
  FrameOptions first;
  first.fin = false;
  EXPECT_EQ(encode_frame(Opcode::kText, "Hel", first), bytes({0x01, 0x03, 'H', 'e', 'l'}));
  EXPECT_EQ(encode_frame_header(Opcode::kBinary, 256), bytes({0x82, 0x7e, 0x01, 0x00}));
  EXPECT_EQ(encode_frame_header(Opcode::kBinary, 65536),
            bytes({0x82, 0x7f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00}));
}

TEST(FrameEncoder, HeaderBitsAndLengthForms) {
  FrameOptions all;
  all.fin = false;
  all.rsv1 = all.rsv2 = all.rsv3 = true;
  all.min_length_form = LengthForm::k16Bit;
  EXPECT_EQ(encode_frame_header(static_cast<Opcode>(0xf), 5, all), bytes({0x7f, 0x7e, 0x00, 0x05}));
  EXPECT_EQ(encode_frame_header(Opcode::kPing, 125), bytes({0x89, 0x7d}));
  EXPECT_EQ(encode_frame_header(Opcode::kPing, 126), bytes({0x89, 0x7e, 0x00, 0x7e}));
  EXPECT_EQ(encode_frame_header(Opcode::kPing, 65535), bytes({0x89, 0x7e, 0xff, 0xff}));
  EXPECT_EQ(encode_frame_header(Opcode::kBinary, std::uint64_t{1} << 63),
            bytes({0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(FrameEncoder, CloseFrameForAProtocolError) {
  EXPECT_EQ(encode_close_frame(close_code::kProtocolError, "bad frame"),
            bytes({0x88, 0x0b, 0x03, 0xea}) + "bad frame");
  // Masked, as the proxy sends it towards a server.
  auto masked = encode_close_frame(1002, "", MaskKey{1, 2, 3, 4});
  EXPECT_EQ(masked, bytes({0x88, 0x82, 1, 2, 3, 4, 0x03 ^ 1, 0xea ^ 2}));
}

TEST(FrameEncoder, LongCloseReasonIsCutAtACharacterBoundary) {
  // 122 ASCII bytes then "é" (2 bytes): 124 bytes, one too many; the cut must not
  // leave half of "é".
  const std::string reason = std::string(122, 'r') + "\xc3\xa9";
  const std::string frame = encode_close_frame(1000, reason);
  ASSERT_EQ(frame.size(), 2u + 2u + 122u);
  EXPECT_EQ(frame.substr(4), std::string(122, 'r'));
  const std::string fits = std::string(121, 'r') + "\xc3\xa9";
  EXPECT_EQ(encode_close_frame(1000, fits).substr(4), fits);
}

TEST(FrameEncoder, RandomMaskKeysDiffer) {
  std::set<MaskKey> keys;
  for (int i = 0; i < 16; ++i) keys.insert(random_mask_key());
  // 16 draws of 32 bits: a repeat is a 2^-25 chance, a stuck generator a certainty.
  EXPECT_GE(keys.size(), 15u);
}

}  // namespace
}  // namespace flowscope::ws
