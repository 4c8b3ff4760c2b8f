#include "gui/model/flow_pair_diff.hpp"

#include <gtest/gtest.h>

#include "gui/model/timing_bars.hpp"

namespace flowscope::gui {
namespace {

flow::Flow flow_with(std::string agent, std::string body) {
  flow::Flow flow;
  flow.request.method = "GET";
  flow.request.url = "https://api.example/items";
  flow.request.headers.add("Host", "api.example");
  flow.request.headers.add("User-Agent", std::move(agent));
  flow.response = flow::Response{};
  flow.response->status = 200;
  flow.response->reason = "OK";
  flow.response->headers.add("Content-Type", "application/json");
  flow.response->body.data = std::move(body);
  flow.response->body.size = flow.response->body.data.size();
  return flow;
}

const DiffRow* row_named(const std::vector<DiffRow>& rows, std::string_view name) {
  for (const DiffRow& row : rows)
    if (row.name == name) return &row;
  return nullptr;
}

TEST(FlowPairDiff, FlagsAChangedHeaderAndJsonField) {
  const auto rows = flow_pair_diff(flow_with("curl/8", R"({"a": 1, "b": [1, 2]})"),
                                   flow_with("curl/9", R"({"a": 1, "b": [1, 3], "c": true})"));
  const DiffRow* url = row_named(rows, "url");
  ASSERT_NE(url, nullptr);
  EXPECT_FALSE(url->changed);
  const DiffRow* agent = row_named(rows, "User-Agent");
  ASSERT_NE(agent, nullptr);
  EXPECT_TRUE(agent->changed);
  EXPECT_EQ(agent->left, "curl/8");
  EXPECT_EQ(agent->right, "curl/9");
  EXPECT_EQ(agent->section, DiffRow::Section::kRequestHeader);
  EXPECT_FALSE(row_named(rows, "Host")->changed);
  EXPECT_FALSE(row_named(rows, "status")->changed);

  bool saw_b = false, saw_c = false;
  for (const DiffRow& row : rows) {
    if (row.section != DiffRow::Section::kResponseBody) continue;
    if (row.name.find("b") != std::string::npos && row.name.find("1") != std::string::npos) {
      saw_b = true;
      EXPECT_EQ(row.left, "2");
      EXPECT_EQ(row.right, "3");
      EXPECT_TRUE(row.changed);
    }
    if (row.name.find("c") != std::string::npos) {
      saw_c = true;
      EXPECT_EQ(row.left, "");
      EXPECT_EQ(row.right, "true");
    }
    EXPECT_EQ(row.name.find("a"), std::string::npos) << "unchanged field listed: " << row.name;
  }
  EXPECT_TRUE(saw_b);
  EXPECT_TRUE(saw_c);
}

TEST(FlowPairDiff, AddedHeaderAndFailedSide) {
  flow::Flow left = flow_with("x", "plain");
  flow::Flow right = flow_with("x", "plain");
  right.request.headers.add("X-New", "1");
  right.response.reset();
  right.error = "connection refused";
  const auto rows = flow_pair_diff(left, right);
  const DiffRow* added = row_named(rows, "X-New");
  ASSERT_NE(added, nullptr);
  EXPECT_EQ(added->left, "");
  EXPECT_TRUE(added->changed);
  const DiffRow* status = row_named(rows, "status");
  EXPECT_TRUE(status->changed);
  EXPECT_NE(status->right.find("connection refused"), std::string::npos);
}

TEST(TimingBars, SegmentsFollowEachOtherAndSkipMissingPhases) {
  flow::Timings timings;
  timings.connect = 10;
  timings.tls = 20;
  timings.send = 1;
  timings.wait = 30;
  timings.receive = 4;
  const auto segments = timing_segments(timings);
  ASSERT_EQ(segments.size(), 5u);  // no dns
  EXPECT_EQ(segments[0].name, "connect");
  EXPECT_EQ(segments[0].start_ms, 0);
  EXPECT_EQ(segments[1].name, "tls");
  EXPECT_EQ(segments[1].start_ms, 10);
  EXPECT_EQ(segments[1].length_ms, 20);
  EXPECT_EQ(segments[3].name, "wait");
  EXPECT_EQ(segments[3].start_ms, 31);
  EXPECT_EQ(timing_total_ms(segments), 65);
  EXPECT_TRUE(timing_segments(flow::Timings{}).empty());
  EXPECT_EQ(timing_total_ms({}), 0);
}

}  // namespace
}  // namespace flowscope::gui
