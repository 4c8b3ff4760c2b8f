#include "core/flow/flow_tally.hpp"

#include <gtest/gtest.h>

namespace flowscope::flow {
namespace {

Flow to(std::string url, std::string error = {}) {
  Flow flow;
  flow.request.url = std::move(url);
  flow.error = std::move(error);
  return flow;
}

TEST(FlowTally, CountsFlowsDistinctHostsAndFailures) {
  FlowTally tally;
  EXPECT_EQ(tally.summary(), "no flows");
  tally.on_flow(to("http://a.test/1"));
  EXPECT_EQ(tally.summary(), "1 flow to 1 host");
  tally.on_flow(to("https://a.test:8443/2"));
  tally.on_flow(to("http://b.test/", "upstream reset"));
  Flow tunnel;
  tunnel.tunnel = Tunnel{"c.test", 443, 0, 0, 0, ""};
  tally.on_flow(tunnel);
  EXPECT_EQ(tally.flows(), 4u);
  EXPECT_EQ(tally.hosts(), 3u) << "a host counts once, whatever its port";
  EXPECT_EQ(tally.failed(), 1u);
  EXPECT_EQ(tally.summary(), "4 flows to 3 hosts, 1 failed");
}

}  // namespace
}  // namespace flowscope::flow
