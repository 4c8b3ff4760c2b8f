// ~dur and ~size: comparisons and units.
#include <gtest/gtest.h>

#include "tests/unit/filter/filter_test_flows.hpp"

namespace flowscope::filter {
namespace {

using testing::api_flow;
using testing::matches;

TEST(FilterMeasures, DurationIsTheSumOfThePhasesThatHappened) {
  auto flow = api_flow();  // dns -1 (skipped), connect 2, tls 5, send 1, wait 40, receive 3: 51 ms
  EXPECT_TRUE(matches("~dur >50ms", flow));
  EXPECT_FALSE(matches("~dur >51ms", flow));
  EXPECT_TRUE(matches("~dur >=51ms", flow));
  EXPECT_TRUE(matches("~dur =51ms", flow));
  EXPECT_TRUE(matches("~dur ==51", flow)) << "no unit means ms";
  EXPECT_TRUE(matches("~dur 51ms", flow)) << "no comparison means =";
  EXPECT_TRUE(matches("~dur <=51ms", flow));
  EXPECT_FALSE(matches("~dur <51ms", flow));
  EXPECT_TRUE(matches("~dur <52ms", flow));
}

TEST(FilterMeasures, DurationUnits) {
  auto flow = api_flow();  // 51 ms
  EXPECT_TRUE(matches("~dur >50999us", flow));
  EXPECT_FALSE(matches("~dur >51001us", flow));
  EXPECT_TRUE(matches("~dur <0.052s", flow));
  EXPECT_TRUE(matches("~dur >0.05S", flow)) << "units are case-insensitive";
  EXPECT_FALSE(matches("~dur >1s", flow));
  EXPECT_TRUE(matches("~dur >1.5ms", flow)) << "fractions";
}

TEST(FilterMeasures, DurationOfATunnelIsItsLifetime) {
  flow::Flow tunnel;
  tunnel.tunnel = flow::Tunnel{"example.com", 443, 1, 2, 2500, {}};
  tunnel.timings.connect = 3;  // the tunnel's duration already covers its connect
  EXPECT_TRUE(matches("~dur >2s", tunnel));
  EXPECT_FALSE(matches("~dur >2.5s", tunnel));
}

TEST(FilterMeasures, DurationOfAFlowWithNoTimingsIsZero) {
  flow::Flow flow;
  EXPECT_TRUE(matches("~dur =0", flow));
  EXPECT_FALSE(matches("~dur >0us", flow));
}

TEST(FilterMeasures, SizeIsRequestPlusResponseBodiesOnTheWire) {
  auto flow = api_flow();
  flow.request.body.size = 1000;
  flow.response->body.size = 24;  // 1024 bytes in all
  EXPECT_TRUE(matches("~size =1kb", flow));
  EXPECT_TRUE(matches("~size =1024", flow)) << "no unit means bytes";
  EXPECT_TRUE(matches("~size =1024b", flow));
  EXPECT_TRUE(matches("~size >1023b", flow));
  EXPECT_FALSE(matches("~size >1kb", flow));
  EXPECT_TRUE(matches("~size >=1KB", flow));
  EXPECT_TRUE(matches("~size <0.5mb", flow));
  flow.response->body.size = 3 * 1024 * 1024;
  flow.response->body.truncated = true;  // only the first bytes kept: still counted whole
  EXPECT_TRUE(matches("~size >3mb", flow));
  EXPECT_FALSE(matches("~size >1gb", flow));
  EXPECT_TRUE(matches("~size <0.01gb", flow));
  flow.response.reset();
  EXPECT_TRUE(matches("~size =1000", flow)) << "no response: the request alone";
}

TEST(FilterMeasures, SpacesInsideTheComparisonAreAnError) {
  EXPECT_FALSE(Filter::compile("~dur > 500ms"));
  EXPECT_FALSE(Filter::compile("~size -1"));
  EXPECT_FALSE(Filter::compile("~size >inf"));
  EXPECT_FALSE(Filter::compile("~dur >"));
}

}  // namespace
}  // namespace flowscope::filter
