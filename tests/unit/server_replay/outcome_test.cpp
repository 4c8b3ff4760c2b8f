// The per-request lines and the closing summary of serve and record --replay.
#include "core/server_replay/outcome.hpp"

#include <gtest/gtest.h>

namespace flowscope::server_replay {
namespace {

Outcome outcome(Outcome::Kind kind, std::string url) {
  Outcome o;
  o.kind = kind;
  o.client_address = "127.0.0.1:5000";
  o.method = "GET";
  o.url = std::move(url);
  o.status = kind == Outcome::Kind::kUnmatched ? 502 : 200;
  return o;
}

TEST(Outcome, OneLinePerRequest) {
  Outcome served = outcome(Outcome::Kind::kServed, "http://x.test/a");
  served.recorded_id = "3-1";
  served.occurrence = 2;
  served.recorded = 3;
  EXPECT_EQ(outcome_line(served), "127.0.0.1:5000 GET http://x.test/a 200 served (recorded 3-1, 2 of 3)");
  EXPECT_EQ(outcome_line(outcome(Outcome::Kind::kUnmatched, "http://x.test/b")),
            "127.0.0.1:5000 GET http://x.test/b 502 unmatched");
  EXPECT_EQ(outcome_line(outcome(Outcome::Kind::kPassedThrough, "http://x.test/c")),
            "127.0.0.1:5000 GET http://x.test/c unmatched, passed to the origin");
}

TEST(Outcome, TheSummaryCountsAndListsTheMisses) {
  Tally tally;
  tally.add(outcome(Outcome::Kind::kServed, "http://x.test/a"));
  tally.add(outcome(Outcome::Kind::kUnmatched, "http://x.test/b"));
  tally.add(outcome(Outcome::Kind::kPassedThrough, "http://x.test/c"));
  tally.add(outcome(Outcome::Kind::kUnmatched, "http://x.test/b"));
  EXPECT_EQ(summary_lines(tally, {"GET http://x.test/old"}),
            (std::vector<std::string>{"4 requests: 1 served from the recording, 2 unmatched (502), 1 passed to the origin",
                                      "not in the recording:", "  GET http://x.test/b (2 times)",
                                      "  GET http://x.test/c", "1 recorded request was never asked for:",
                                      "  GET http://x.test/old"}));
}

TEST(Outcome, AllServedIsOneLine) {
  Tally tally;
  tally.add(outcome(Outcome::Kind::kServed, "http://x.test/a"));
  EXPECT_EQ(summary_lines(tally, {}),
            std::vector<std::string>{"1 request: 1 served from the recording, 0 unmatched (502)"});
}

TEST(Outcome, LongListsAreCut) {
  Tally tally;
  std::vector<std::string> never;
  for (int i = 0; i < 5; ++i) {
    tally.add(outcome(Outcome::Kind::kUnmatched, "http://x.test/" + std::to_string(i)));
    never.push_back("GET http://x.test/old" + std::to_string(i));
  }
  auto lines = summary_lines(tally, never, 2);
  EXPECT_EQ(lines, (std::vector<std::string>{"5 requests: 0 served from the recording, 5 unmatched (502)",
                                             "not in the recording:", "  GET http://x.test/0", "  GET http://x.test/1",
                                             "  … and 3 more", "5 recorded requests were never asked for:",
                                             "  GET http://x.test/old0", "  GET http://x.test/old1", "  … and 3 more"}));
}

}  // namespace
}  // namespace flowscope::server_replay
