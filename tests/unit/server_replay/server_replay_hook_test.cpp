// The hook: a matched request is answered from the recording and marked, an unmatched
// one gets the 502 (or, with passthrough, goes on), and every decision is reported.
#include "core/server_replay/server_replay_hook.hpp"

#include <gtest/gtest.h>

#include "tests/unit/server_replay/recorded_flows.hpp"

namespace flowscope::server_replay {
namespace {

using proxy::HookAnswer;
using proxy::HookPoint;
using testing::exchange;
using testing::request;

flow::Flow live(flow::Request req) {
  flow::Flow f;
  f.id = "9-1";
  f.client_address = "127.0.0.1:5000";
  f.request = std::move(req);
  return f;
}

class ServerReplayHookTest : public ::testing::Test {
 protected:
  ServerReplayHook make(bool passthrough, MatchRules rules = {}) {
    auto book = std::make_shared<RecordedResponses>(
        std::vector<flow::Flow>{exchange("4-1", request("GET", "http://x.test/a?b=1&c=2"), 200, "from the recording"),
                                exchange("4-2", request("POST", "http://x.test/q", "one"), 201, "created")},
        std::move(rules));
    ServerReplayOptions options;
    options.passthrough = passthrough;
    options.recording_name = "api.har";
    options.on_outcome = [this](const Outcome& outcome) { outcomes.push_back(outcome); };
    return ServerReplayHook(book, std::move(options));
  }
  std::vector<Outcome> outcomes;
};

TEST_F(ServerReplayHookTest, AMatchIsAnsweredFromTheRecordingAndMarked) {
  ServerReplayHook hook = make(false);
  flow::Flow f = live(request("GET", "http://x.test/a?c=2&b=1"));
  HookAnswer answer = hook.on_hook(HookPoint::kRequestHead, f);
  ASSERT_EQ(answer.kind, HookAnswer::Kind::kAnswer);
  EXPECT_EQ(answer.response.status, 200);
  EXPECT_EQ(answer.response.body, "from the recording");
  EXPECT_EQ(f.served_from, "4-1");
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].kind, Outcome::Kind::kServed);
  EXPECT_EQ(outcome_line(outcomes[0]), "127.0.0.1:5000 GET http://x.test/a?c=2&b=1 200 served (recorded 4-1, 1 of 1)");
  EXPECT_EQ(hook.tally().served, 1u);
}

TEST_F(ServerReplayHookTest, OnlyTheRequestHeadIsAnswered) {
  ServerReplayHook hook = make(false);
  flow::Flow f = live(request("GET", "http://x.test/nothing"));
  for (HookPoint point : {HookPoint::kRequestEnd, HookPoint::kResponseHead, HookPoint::kResponseEnd}) {
    EXPECT_EQ(hook.on_hook(point, f).kind, HookAnswer::Kind::kContinue);
  }
  EXPECT_TRUE(outcomes.empty());
}

TEST_F(ServerReplayHookTest, AMissIsA502ThatNamesTheRequest) {
  ServerReplayHook hook = make(false);
  flow::Flow f = live(request("DELETE", "http://x.test/a?b=1&c=2"));
  HookAnswer answer = hook.on_hook(HookPoint::kRequestHead, f);
  ASSERT_EQ(answer.kind, HookAnswer::Kind::kAnswer);
  EXPECT_EQ(answer.response.status, 502);
  EXPECT_NE(answer.response.body.find("no recorded response for DELETE http://x.test/a?b=1&c=2"), std::string::npos)
      << answer.response.body;
  EXPECT_NE(answer.response.body.find("flowscope record -o FILE.har -- CMD"), std::string::npos);
  EXPECT_TRUE(f.served_from.empty());
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcome_line(outcomes[0]), "127.0.0.1:5000 DELETE http://x.test/a?b=1&c=2 502 unmatched");
  const Tally tally = hook.tally();
  EXPECT_EQ(tally.unmatched, 1u);
  ASSERT_EQ(tally.misses.size(), 1u);
  EXPECT_EQ(tally.misses[0].request, "DELETE http://x.test/a?b=1&c=2");
}

TEST_F(ServerReplayHookTest, PassthroughLetsAMissGoToTheOrigin) {
  ServerReplayHook hook = make(true);
  flow::Flow f = live(request("GET", "http://x.test/new"));
  EXPECT_EQ(hook.on_hook(HookPoint::kRequestHead, f).kind, HookAnswer::Kind::kContinue);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].kind, Outcome::Kind::kPassedThrough);
  EXPECT_EQ(hook.tally().passed_through, 1u);
  flow::Flow known = live(request("GET", "http://x.test/a?b=1&c=2"));
  EXPECT_EQ(hook.on_hook(HookPoint::kRequestHead, known).kind, HookAnswer::Kind::kAnswer)
      << "what is recorded is still served";
}

TEST_F(ServerReplayHookTest, MatchRulesReachTheLookup) {
  MatchRules rules;
  ASSERT_TRUE(add_match_rule(rules, "ignore-param=c"));
  ServerReplayHook hook = make(false, rules);
  flow::Flow f = live(request("GET", "http://x.test/a?c=999&b=1"));
  EXPECT_EQ(hook.on_hook(HookPoint::kRequestHead, f).response.status, 200);
}

}  // namespace
}  // namespace flowscope::server_replay
