// What `flowscope replay` prints: per-request lines, the progress bar, the table.
#include <gtest/gtest.h>

#include "core/compare/replay_report.hpp"
#include "tests/unit/compare/compare_test_flows.hpp"

namespace flowscope::compare {
namespace {

using testing::exchange;
using testing::options;

flow::Flow replay_of(const flow::Flow& original, int status, std::string body) {
  const std::string* type = original.response->headers.find("Content-Type");
  flow::Flow replay =
      exchange(original.request.method, original.request.url, status, std::move(body), *type);
  replay.id = "7-1";
  replay.replay_of = original.id;
  replay.client_address = "replay";
  replay.timings = {-1, -1, -1, 0.5, 1.0, 0.5};
  return replay;
}

TEST(ReplayReport, LinesSayWhatEachReplayDid) {
  const auto original = exchange("GET", "http://x/a", 200, R"({"v":1})");
  const auto same = replay_of(original, 200, R"({"v":1})");
  const auto changed = replay_of(original, 500, R"({"v":1})");
  EXPECT_EQ(replay_line(compare_replay(0, original, &same, {}, options()), 3),
            "[1/3] replay GET http://x/a 200 OK 7B 2.0ms: same");
  EXPECT_EQ(replay_line(compare_replay(1, original, &changed, {}, options()), 3),
            "[2/3] replay GET http://x/a 500 OK 7B 2.0ms: changed");
  EXPECT_EQ(
      replay_line(compare_replay(2, original, nullptr, "flow 1-1 is a blind tunnel", options()), 3),
      "[3/3] GET http://x/a: not sent: flow 1-1 is a blind tunnel");
}

TEST(ReplayReport, HeaderOnlyChangesAreShownButNotCounted) {
  const auto original = exchange("GET", "http://x/a");
  auto replay = replay_of(original, 200, "{}");
  replay.response->headers.add("X-Version", "2");
  const ReplayComparison c = compare_replay(0, original, &replay, {}, options());
  EXPECT_FALSE(c.changed());
  EXPECT_TRUE(c.headers_only());
  EXPECT_TRUE(replay_line(c, 1).ends_with(": headers differ"));
}

TEST(ReplayReport, ProgressBar) {
  EXPECT_EQ(progress_bar(0, 4, 0, 8), "[........] 0/4 replayed, 0 changed");
  EXPECT_EQ(progress_bar(2, 4, 1, 8), "[####....] 2/4 replayed, 1 changed");
  EXPECT_EQ(progress_bar(4, 4, 1, 8), "[########] 4/4 replayed, 1 changed");
}

TEST(ReplayReport, TableListsWhatChangedWithItsChangeLines) {
  const auto a = exchange("GET", "http://x/a", 200, "same", "text/plain");
  const auto b = exchange("GET", "http://x/b", 200, R"({"user":{"id":1}})");
  const auto c = exchange("GET", "http://x/c", 200, "ok", "text/plain");
  const auto d = exchange("GET", "http://x/d");
  const auto a2 = replay_of(a, 200, "same");
  auto b2 = replay_of(b, 200, R"({"user":{"id":2}})");
  auto c2 = replay_of(c, 503, "down");
  const std::vector<ReplayComparison> comparisons = {
      compare_replay(0, a, &a2, {}, options()), compare_replay(1, b, &b2, {}, options()),
      compare_replay(2, c, &c2, {}, options()),
      compare_replay(3, d, nullptr, "cannot be replayed", options())};
  EXPECT_EQ(replay_table(comparisons),
            "#  request         status     response body sha256         size\n"
            "2  GET http://x/b  200        fafa0bc48312 → 8078df97f042  17 B\n"
            "   response body $.user.id: 1 → 2\n"
            "3  GET http://x/c  200 → 503  2689367b205c → 908aec4512d8  2 B → 4 B\n"
            "   status: 200 → 503\n"
            "   response body: 2 B, sha256 2689367b205c → 4 B, sha256 908aec4512d8\n"
            "4  GET http://x/d  not sent\n"
            "   cannot be replayed\n"
            "replayed 3 of 4: 1 same, 2 changed, 0 with header changes only, 1 not sent\n");
  const ReplayTotals t = total(comparisons);
  EXPECT_EQ(t.replayed, 3u);
  EXPECT_EQ(t.changed, 2u);
  EXPECT_EQ(t.not_sent, 1u);
}

TEST(ReplayReport, NothingChangedIsOneLine) {
  const auto a = exchange("GET", "http://x/a");
  const auto a2 = replay_of(a, 200, "{}");
  EXPECT_EQ(replay_table({compare_replay(0, a, &a2, {}, options())}),
            "replayed 1 of 1: 1 same, 0 changed, 0 with header changes only, 0 not sent\n");
}

}  // namespace
}  // namespace flowscope::compare
