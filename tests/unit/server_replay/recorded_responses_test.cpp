// The recording as an index: which flows it serves, in what order, how bodies and
// --match rules group requests, and that workers asking at once each get their own
// response.
#include "core/server_replay/recorded_responses.hpp"

#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "tests/unit/server_replay/recorded_flows.hpp"

namespace flowscope::server_replay {
namespace {

using testing::exchange;
using testing::request;

std::string body_of(std::optional<Served> served) { return served ? served->answer.body : "(unmatched)"; }

TEST(RecordedResponses, ARepeatedRequestGetsItsResponsesInOrderThenTheLastAgain) {
  RecordedResponses book({exchange("1-1", request("GET", "http://x.test/poll"), 200, "first"),
                          exchange("1-2", request("GET", "http://x.test/other"), 200, "other"),
                          exchange("1-3", request("GET", "http://x.test/poll"), 200, "second"),
                          exchange("1-4", request("GET", "http://x.test/poll"), 202, "third")},
                         {});
  EXPECT_EQ(book.responses(), 4u);
  EXPECT_EQ(book.requests(), 2u);
  const auto poll = request("GET", "http://x.test/poll");
  auto first = book.next_for(poll);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->answer.body, "first");
  EXPECT_EQ(first->recorded_id, "1-1");
  EXPECT_EQ(first->occurrence, 1u);
  EXPECT_EQ(first->recorded, 3u);
  EXPECT_EQ(body_of(book.next_for(poll)), "second");
  auto third = book.next_for(poll);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->answer.body, "third");
  EXPECT_EQ(third->answer.status, 202);
  EXPECT_EQ(third->occurrence, 3u);
  auto again = book.next_for(poll);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->answer.body, "third");
  EXPECT_EQ(again->recorded_id, "1-4");
  EXPECT_EQ(again->occurrence, 3u) << "after the last, the last repeats";
  EXPECT_EQ(body_of(book.next_for(request("GET", "http://x.test/other"))), "other");
}

TEST(RecordedResponses, TheQueryOrderOfTheLiveRequestDoesNotMatter) {
  RecordedResponses book({exchange("1-1", request("GET", "https://x.test/s?q=a&lang=en"), 200, "found")}, {});
  EXPECT_EQ(body_of(book.next_for(request("GET", "https://x.test:443/s?lang=en&q=a"))), "found");
  EXPECT_FALSE(book.next_for(request("GET", "https://x.test/s?lang=de&q=a")));
  EXPECT_FALSE(book.next_for(request("POST", "https://x.test/s?q=a&lang=en")));
}

TEST(RecordedResponses, BodiesTellRequestsApartAndEachKeepsItsOwnOrder) {
  const char* json = "application/json";
  RecordedResponses book({exchange("1-1", request("POST", "http://x.test/q", R"({"id":1})", json), 200, "one"),
                          exchange("1-2", request("POST", "http://x.test/q", R"({"id":2})", json), 200, "two"),
                          exchange("1-3", request("POST", "http://x.test/q", R"({ "id": 1 })", json), 200, "one again")},
                         {});
  EXPECT_EQ(book.requests(), 2u);
  EXPECT_EQ(body_of(book.next_for(request("POST", "http://x.test/q", R"({"id":2})", json))), "two");
  EXPECT_EQ(body_of(book.next_for(request("POST", "http://x.test/q", R"({"id":1})", json))), "one");
  EXPECT_EQ(body_of(book.next_for(request("POST", "http://x.test/q", R"({"id":1})", json))), "one again");
  EXPECT_FALSE(book.next_for(request("POST", "http://x.test/q", R"({"id":3})", json)));
  EXPECT_EQ(book.with_other_bodies(request("POST", "http://x.test/q", R"({"id":3})", json)), 2u);
  EXPECT_EQ(book.with_other_bodies(request("POST", "http://x.test/elsewhere")), 0u);
}

TEST(RecordedResponses, IgnoreBodyMakesOneRequestOfThem) {
  MatchRules rules;
  ASSERT_TRUE(add_match_rule(rules, "ignore-body"));
  RecordedResponses book({exchange("1-1", request("POST", "http://x.test/q", "a"), 200, "one"),
                          exchange("1-2", request("POST", "http://x.test/q", "b"), 200, "two")},
                         rules);
  EXPECT_EQ(book.requests(), 1u);
  EXPECT_EQ(body_of(book.next_for(request("POST", "http://x.test/q", "zzz"))), "one");
  EXPECT_EQ(body_of(book.next_for(request("POST", "http://x.test/q"))), "two");
}

TEST(RecordedResponses, WithTheBodyNotYetReadTheFirstBodyGroupAnswers) {
  RecordedResponses book({exchange("1-1", request("POST", "http://x.test/q", "a"), 200, "for a"),
                          exchange("1-2", request("POST", "http://x.test/q", "b"), 200, "for b")},
                         {});
  EXPECT_EQ(body_of(book.next_for(request("POST", "http://x.test/q"), /*body_known=*/false)), "for a");
}

TEST(RecordedResponses, FlowsWithoutAResponseToServeAreLeftOut) {
  flow::Flow tunnel = exchange("1-1", request("CONNECT", "x.test:443"), 200, "");
  tunnel.scheme = "tunnel";
  flow::Flow failed = exchange("1-2", request("GET", "http://x.test/down"), 200, "");
  failed.response.reset();
  failed.error = "cannot connect";
  flow::Flow websocket = exchange("1-3", request("GET", "http://x.test/ws"), 101, "");
  websocket.websocket.emplace();
  flow::Flow proxy_error = exchange("1-4", request("GET", "http://x.test/gone"), 502, "cannot connect");
  proxy_error.error = "cannot connect to x.test:80";
  RecordedResponses book({tunnel, failed, websocket, proxy_error}, {});
  EXPECT_EQ(book.left_out(), 3u);
  EXPECT_EQ(book.responses(), 1u);
  EXPECT_FALSE(book.next_for(request("GET", "http://x.test/ws")));
  EXPECT_EQ(body_of(book.next_for(request("GET", "http://x.test/gone"))), "cannot connect")
      << "the proxy's own 502 is what the client saw, so it is served again";
}

TEST(RecordedResponses, CountsResponsesTheBodyLimitCut) {
  flow::Flow cut = exchange("1-1", request("GET", "http://x.test/big"), 200, "abc");
  cut.response->body.size = 1000;
  cut.response->body.truncated = true;
  RecordedResponses book({cut}, {});
  EXPECT_EQ(book.truncated(), 1u);
  EXPECT_EQ(body_of(book.next_for(request("GET", "http://x.test/big"))), "abc");
}

TEST(RecordedResponses, ListsTheRecordedRequestsNobodyAskedFor) {
  RecordedResponses book({exchange("1-1", request("GET", "http://x.test/a"), 200, ""),
                          exchange("1-2", request("GET", "http://x.test/b"), 200, ""),
                          exchange("1-3", request("GET", "http://x.test/c"), 200, ""),
                          exchange("1-4", request("GET", "http://x.test/a"), 200, "")},
                         {});
  EXPECT_EQ(book.never_asked(),
            (std::vector<std::string>{"GET http://x.test/a", "GET http://x.test/b", "GET http://x.test/c"}));
  ASSERT_TRUE(book.next_for(request("GET", "http://x.test/b")));
  EXPECT_EQ(book.never_asked(), (std::vector<std::string>{"GET http://x.test/a", "GET http://x.test/c"}));
}

TEST(RecordedResponses, WorkersAskingAtOnceEachGetTheirOwnResponse) {
  constexpr int kThreads = 8;
  constexpr int kAsksPerThread = 500;
  std::vector<flow::Flow> flows;
  for (int i = 1; i <= 5; ++i) {
    flows.push_back(exchange("1-" + std::to_string(i), request("GET", "http://x.test/n"), 200, std::to_string(i)));
  }
  flows.push_back(exchange("1-9", request("GET", "http://x.test/other"), 200, "other"));
  RecordedResponses book(std::move(flows), {});

  std::vector<std::map<std::string, int>> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAsksPerThread; ++i) {
        ++seen[t][body_of(book.next_for(request("GET", "http://x.test/n")))];
        ++seen[t][body_of(book.next_for(request("GET", "http://x.test/other")))];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::map<std::string, int> total;
  for (const auto& counts : seen)
    for (const auto& [body, n] : counts) total[body] += n;
  EXPECT_EQ(total["1"], 1);
  EXPECT_EQ(total["2"], 1);
  EXPECT_EQ(total["3"], 1);
  EXPECT_EQ(total["4"], 1);
  EXPECT_EQ(total["5"], kThreads * kAsksPerThread - 4) << "every ask after the fourth gets the last";
  EXPECT_EQ(total["other"], kThreads * kAsksPerThread);
  EXPECT_EQ(total.count("(unmatched)"), 0u);
}

}  // namespace
}  // namespace flowscope::server_replay
