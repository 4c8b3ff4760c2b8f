// Two recordings paired by method, URL and occurrence, and the report diff prints.
#include <gtest/gtest.h>

#include "core/compare/diff_text.hpp"
#include "core/compare/recording_diff.hpp"
#include "tests/unit/compare/compare_test_flows.hpp"

namespace flowscope::compare {
namespace {

using testing::exchange;
using testing::options;

TEST(RecordingDiff, PairsByMethodUrlAndOccurrence) {
  const std::vector<flow::Flow> a = {exchange("GET", "http://x/a", 200, R"({"n":1})"),
                                     exchange("GET", "http://x/a", 200, R"({"n":2})"),
                                     exchange("POST", "http://x/a", 201)};
  // Interleaved differently: the n-th GET /a still meets the n-th.
  const std::vector<flow::Flow> b = {exchange("POST", "http://x/a", 201),
                                     exchange("GET", "http://x/a", 200, R"({"n":1})"),
                                     exchange("GET", "http://x/a", 200, R"({"n":3})")};
  const RecordingDiff d = diff_recordings(a, b, options());
  ASSERT_EQ(d.paired.size(), 3u);
  EXPECT_TRUE(d.removed.empty());
  EXPECT_TRUE(d.added.empty());
  EXPECT_EQ(d.paired[0].before, 0u);
  EXPECT_EQ(d.paired[0].after, 1u);
  EXPECT_EQ(d.paired[0].occurrence, 1u);
  EXPECT_FALSE(d.paired[0].diff.changed());
  EXPECT_EQ(d.paired[1].after, 2u);
  EXPECT_EQ(d.paired[1].occurrence, 2u);
  EXPECT_TRUE(d.paired[1].diff.changed());
  EXPECT_EQ(d.paired[2].after, 0u) << "POST /a pairs with POST /a, not with a GET";
  EXPECT_EQ(d.changed(), 1u);
  EXPECT_FALSE(d.equal());
}

TEST(RecordingDiff, UnpairedRequestsAreAddedOrRemoved) {
  const std::vector<flow::Flow> a = {exchange("GET", "http://x/a"),
                                     exchange("GET", "http://x/gone"),
                                     exchange("GET", "http://x/a")};
  const std::vector<flow::Flow> b = {exchange("GET", "http://x/a"), exchange("GET", "http://x/new"),
                                     exchange("DELETE", "http://x/a")};
  const RecordingDiff d = diff_recordings(a, b, options());
  ASSERT_EQ(d.paired.size(), 1u);
  ASSERT_EQ(d.removed.size(), 2u);
  EXPECT_EQ(d.removed[0].index, 1u);
  EXPECT_EQ(d.removed[1].index, 2u);
  EXPECT_EQ(d.removed[1].occurrence, 2u) << "the second GET /a has no partner";
  ASSERT_EQ(d.added.size(), 2u);
  EXPECT_EQ(d.added[0].index, 1u);
  EXPECT_EQ(d.added[1].index, 2u);
  EXPECT_FALSE(d.equal());
}

TEST(RecordingDiff, TheUrlMustMatchExactly) {
  const RecordingDiff d = diff_recordings({exchange("GET", "http://x/a?q=1")},
                                          {exchange("GET", "http://x/a?q=2")}, options());
  EXPECT_TRUE(d.paired.empty());
  EXPECT_EQ(d.removed.size(), 1u);
  EXPECT_EQ(d.added.size(), 1u);
}

TEST(RecordingDiff, EqualRecordings) {
  const std::vector<flow::Flow> a = {exchange("GET", "http://x/a"), exchange("GET", "http://x/b")};
  EXPECT_TRUE(diff_recordings(a, a, options()).equal());
  EXPECT_TRUE(diff_recordings({}, {}, options()).equal());
}

TEST(DiffText, ReportListsRemovedChangedAndAddedThenASummary) {
  const std::vector<flow::Flow> a = {exchange("GET", "http://x/same"),
                                     exchange("GET", "http://x/gone"),
                                     exchange("GET", "http://x/user", 200, R"({"user":{"id":1}})")};
  const std::vector<flow::Flow> b = {exchange("GET", "http://x/same"),
                                     exchange("GET", "http://x/user", 500, R"({"user":{"id":2}})"),
                                     exchange("POST", "http://x/new", 201)};
  const RecordingDiff d = diff_recordings(a, b, options());
  EXPECT_EQ(format_recording_diff(d, a, b),
            "- GET http://x/gone\n"
            "~ GET http://x/user\n"
            "    status: 200 → 500\n"
            "    response body $.user.id: 1 → 2\n"
            "+ POST http://x/new\n"
            "1 changed, 1 removed, 1 added, 1 equal\n");
}

TEST(DiffText, EqualRecordingsSaySo) {
  const std::vector<flow::Flow> a = {exchange("GET", "http://x/a"), exchange("GET", "http://x/a")};
  EXPECT_EQ(format_recording_diff(diff_recordings(a, a, options()), a, a),
            "no differences: 2 requests in both\n");
}

TEST(DiffText, ChangeLinesForHeadersFailuresAndDigests) {
  auto a = exchange("GET", "http://x/p", 200, "one", "text/plain");
  auto b = exchange("GET", "http://x/p", 200, "three", "text/plain");
  a.response->headers.add("X-Old", "1");
  b.response->headers.add("X-New", "2");
  b.response->headers.add("X-New", "3");
  b.request.headers.set("Accept", "text/html");
  const auto lines = change_lines(compare_exchanges(a, b, options()));
  const std::vector<std::string> expected = {
      "request header Accept: */* → text/html",
      "response header X-Old: removed 1",
      "response header X-New: added 2, 3",
      "response body: 3 B, sha256 7692c3ad3540 → 5 B, sha256 8b5b9db0c13d",
  };
  EXPECT_EQ(lines, expected);

  flow::Flow failed = a;
  failed.response.reset();
  failed.error = "connect failed: connection refused\nmore detail";
  EXPECT_EQ(change_lines(compare_exchanges(a, failed, options())),
            (std::vector<std::string>{"status: 200 → none",
                                      "error: none → connect failed: connection refused"}))
      << "no header or body lines for the side that failed";
}

TEST(DiffText, ManyFieldChangesAreCut) {
  auto a = exchange("GET", "http://x/j", 200, "[1,2,3,4,5]");
  auto b = exchange("GET", "http://x/j", 200, "[2,3,4,5,6]");
  const auto lines = change_lines(compare_exchanges(a, b, options()), 2);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "response body $[0]: 1 → 2");
  EXPECT_EQ(lines[2], "response body: … 3 more fields");
}

TEST(DiffText, OccurrencesAreNumberedFromTheSecond) {
  const auto f = exchange("GET", "http://x/a");
  EXPECT_EQ(exchange_label(f), "GET http://x/a");
  EXPECT_EQ(exchange_label(f, 3), "GET http://x/a (#3)");
}

}  // namespace
}  // namespace flowscope::compare
