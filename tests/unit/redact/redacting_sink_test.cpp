// RedactingSink: the next sink sees finished flows and live events redacted, and
// everything else (notices, flush, the wish for live events) passes through.
#include "core/redact/redacting_sink.hpp"

#include <gtest/gtest.h>

#include "tests/unit/filter/filter_test_flows.hpp"

namespace flowscope::redact {
namespace {

using filter::testing::api_flow;

RedactingSink sink_for(std::shared_ptr<flow::FlowSink> next) {
  auto redactor = Redactor::compile();
  EXPECT_TRUE(redactor);
  return RedactingSink(*redactor, std::move(next));
}

TEST(RedactingSink, FinishedFlowsAndLiveEventsArriveRedacted) {
  auto memory = std::make_shared<flow::MemorySink>(/*live_events=*/true);
  auto sink = sink_for(memory);
  EXPECT_TRUE(sink.wants_live_events());
  flow::Flow f = api_flow();
  f.request.url += "&api_key=k-1";
  f.request.headers.add("Cookie", "sid=abc");
  sink.on_flow_event({flow::FlowStage::kStarted, flow::without_bodies(f)});
  sink.on_flow_event({flow::FlowStage::kProgress, flow::progress_of(f)});
  sink.on_flow(f);
  sink.on_notice("a notice");

  auto events = memory->events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].stage, flow::FlowStage::kStarted);
  EXPECT_EQ(events[0].flow.request.url, "https://api.example.com/v1/items?page=2&api_key=REDACTED");
  EXPECT_EQ(*events[0].flow.request.headers.find("Cookie"), "sid=REDACTED");
  EXPECT_EQ(*events[0].flow.response->headers.find("Set-Cookie"), "session=REDACTED");
  EXPECT_EQ(events[0].flow.redactions.size(), 3u);
  EXPECT_EQ(events[1].stage, flow::FlowStage::kProgress);
  EXPECT_EQ(events[1].flow.id, f.id);

  auto flows = memory->flows();
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0].request.url, "https://api.example.com/v1/items?page=2&api_key=REDACTED");
  EXPECT_EQ(*flows[0].response->headers.find("Set-Cookie"), "session=REDACTED");
  EXPECT_EQ(flows[0].redactions.size(), 3u);
  EXPECT_EQ(memory->notices(), std::vector<std::string>{"a notice"});
}

TEST(RedactingSink, AsksForLiveEventsOnlyWhenTheNextSinkDoes) {
  auto memory = std::make_shared<flow::MemorySink>();
  EXPECT_FALSE(sink_for(memory).wants_live_events());
}

}  // namespace
}  // namespace flowscope::redact
