#include "core/flow/utf8.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include <nlohmann/json.hpp>

namespace flowscope::flow {
namespace {

using nlohmann::json;

TEST(Utf8, Validation) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii that is longer than eight bytes"));
  EXPECT_TRUE(is_valid_utf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf"));
  EXPECT_TRUE(is_valid_utf8(std::string("\0", 1)));
  for (const char* bad :
       {"\x80", "\xc0\x80", "\xc1\xbf", "\xe0\x80\x80", "\xed\xa0\x80", "\xf0\x80\x80\x80",
        "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xff", "\xc3", "\xe2\x82", "abcdefgh\xe9"}) {
    EXPECT_FALSE(is_valid_utf8(bad))
        << json(bad).dump(-1, ' ', true, json::error_handler_t::replace);
  }
}

// The writer relies on is_valid_utf8 to know which strings nlohmann's dump would reject;
// on random bytes the two must agree.
TEST(Utf8, AgreesWithNlohmannDump) {
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    std::string s(rng() % 12, '\0');
    for (char& c : s) c = static_cast<char>(rng() % 2 ? 0x80 + rng() % 128 : rng() % 256);
    bool dumps = true;
    try {
      (void)json(s).dump();
    } catch (const json::exception&) {
      dumps = false;
    }
    EXPECT_EQ(is_valid_utf8(s), dumps)
        << json(s).dump(-1, ' ', true, json::error_handler_t::replace);
  }
}

}  // namespace
}  // namespace flowscope::flow
