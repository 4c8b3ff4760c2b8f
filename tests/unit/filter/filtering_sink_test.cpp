// FilteringSink forwards matching flows, and the live events of flows whose request
// already matches.
#include "core/filter/filtering_sink.hpp"

#include <gtest/gtest.h>

#include "tests/unit/filter/filter_test_flows.hpp"

namespace flowscope::filter {
namespace {

using testing::api_flow;

FilteringSink sink_for(std::string_view expression, std::shared_ptr<flow::FlowSink> next) {
  auto filter = Filter::compile(expression);
  EXPECT_TRUE(filter);
  return FilteringSink(*filter, std::move(next));
}

TEST(FilterSink, ForwardsOnlyMatchingFlows) {
  auto memory = std::make_shared<flow::MemorySink>();
  auto sink = sink_for("~c 404", memory);
  auto ok = api_flow();
  auto missing = api_flow();
  missing.id = "1-2";
  missing.response->status = 404;
  sink.on_flow(ok);
  sink.on_flow(missing);
  auto flows = memory->flows();
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0].id, "1-2");
}

TEST(FilterSink, LiveEventsFollowTheRequestHead) {
  auto memory = std::make_shared<flow::MemorySink>(/*live_events=*/true);
  auto sink = sink_for("~d example.com", memory);
  EXPECT_TRUE(sink.wants_live_events());
  auto wanted = api_flow();
  auto other = api_flow();
  other.id = "2-1";
  other.request.url = "https://other.test/";
  for (const auto* f : {&wanted, &other}) {
    sink.on_flow_event({flow::FlowStage::kStarted, flow::without_bodies(*f)});
    sink.on_flow_event({flow::FlowStage::kProgress, flow::progress_of(*f)});
  }
  sink.on_flow(wanted);
  sink.on_flow(other);
  // After the flow finished, a stray event of its id is not forwarded.
  sink.on_flow_event({flow::FlowStage::kProgress, flow::progress_of(wanted)});
  auto events = memory->events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].flow.id, "1-1");
  EXPECT_EQ(events[0].stage, flow::FlowStage::kStarted);
  EXPECT_EQ(events[1].flow.id, "1-1");
  EXPECT_EQ(memory->flows().size(), 1u);
}

TEST(FilterSink, NoLiveEventsWhenTheNextSinkWantsNone) {
  auto memory = std::make_shared<flow::MemorySink>();
  auto sink = sink_for("~all", memory);
  EXPECT_FALSE(sink.wants_live_events());
}

}  // namespace
}  // namespace flowscope::filter
