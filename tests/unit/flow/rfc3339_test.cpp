#include "core/flow/rfc3339.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace flowscope::flow {
namespace {

TEST(Rfc3339, Timestamps) {
  EXPECT_EQ(format_timestamp_us(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(format_timestamp_us(1'795'563'481'123'456), "2026-11-24T23:38:01.123456Z");
  EXPECT_EQ(format_timestamp_us(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(format_timestamp_us(951'782'400'000'000), "2000-02-29T00:00:00.000000Z");
  for (std::int64_t us : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{1'795'563'481'123'456},
                          std::int64_t{-86'400'000'001}, std::int64_t{253'402'300'799'999'999}}) {
    EXPECT_EQ(parse_timestamp_us(format_timestamp_us(us)), us) << us;
  }
  EXPECT_EQ(parse_timestamp_us("2026-11-24T23:38:01Z"), 1'795'563'481'000'000);
  EXPECT_EQ(parse_timestamp_us("2026-11-24T23:38:01.1Z"), 1'795'563'481'100'000);
  EXPECT_EQ(parse_timestamp_us("2026-11-24T23:38:01.123456789Z"), 1'795'563'481'123'456);
  EXPECT_EQ(parse_timestamp_us("2026-11-25T01:38:01.123456+02:00"), 1'795'563'481'123'456);
  EXPECT_EQ(parse_timestamp_us("2026-11-24t23:38:01.123456z"), 1'795'563'481'123'456);
  for (const char* bad :
       {"", "2026-11-24", "2026-11-24T23:38:01", "2026-02-30T00:00:00Z", "2026-11-24T24:00:00Z",
        "2026-11-24T23:38:01.Z", "2026-11-24T23:38:01+0200", "2026-11-24T23:38:01Zjunk",
        "2026-1x-24T23:38:01Z"}) {
    EXPECT_FALSE(parse_timestamp_us(bad)) << bad;
  }
}

}  // namespace
}  // namespace flowscope::flow
