#include "gui/model/throughput.hpp"

#include <gtest/gtest.h>

namespace flowscope::gui {
namespace {

TEST(Throughput, AveragesTheLastWholeSecondsOnly) {
  Throughput meter;
  meter.add(10'000, 3000, 300);   // second 10
  meter.add(11'500, 6000, 600);   // second 11
  meter.add(12'100, 99'000, 0);   // second 12: still filling at 12.9 s
  const Rates rates = meter.rates(12'900);
  EXPECT_DOUBLE_EQ(rates.in_per_second, (3000.0 + 6000.0) / Throughput::kWindowSeconds);
  EXPECT_DOUBLE_EQ(rates.out_per_second, 900.0 / Throughput::kWindowSeconds);
}

TEST(Throughput, ForgetsSecondsOutsideTheWindowAndReusesTheirBuckets) {
  Throughput meter;
  meter.add(1'000, 100, 10);
  // Four seconds later the bucket of second 1 is reused for second 5.
  meter.add(5'000, 7, 1);
  EXPECT_DOUBLE_EQ(meter.rates(5'500).in_per_second, 0.0);
  EXPECT_DOUBLE_EQ(meter.rates(6'000).in_per_second, 7.0 / Throughput::kWindowSeconds);
  EXPECT_DOUBLE_EQ(meter.rates(60'000).in_per_second, 0.0);
}

TEST(Throughput, SumsWithinASecond) {
  Throughput meter;
  for (int i = 0; i < 10; ++i) meter.add(2'000 + i * 50, 10, 1);
  EXPECT_DOUBLE_EQ(meter.rates(3'000).in_per_second, 100.0 / Throughput::kWindowSeconds);
  EXPECT_DOUBLE_EQ(meter.rates(3'000).out_per_second, 10.0 / Throughput::kWindowSeconds);
}

}  // namespace
}  // namespace flowscope::gui
