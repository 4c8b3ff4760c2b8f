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

TEST_F(ServerReplayHookTest, ARequestWithoutABodyIsDecidedAtItsHeadOnly) {
  ServerReplayHook hook = make(false);
  flow::Flow f = live(request("GET", "http://x.test/a?b=1&c=2"));
  ASSERT_EQ(hook.on_hook(HookPoint::kRequestHead, f).kind, HookAnswer::Kind::kAnswer);
  for (HookPoint point : {HookPoint::kRequestEnd, HookPoint::kResponseHead, HookPoint::kResponseEnd}) {
    EXPECT_EQ(hook.on_hook(point, f).kind, HookAnswer::Kind::kContinue);
  }
  EXPECT_EQ(outcomes.size(), 1u) << "one decision per request";
}

// The head of a request whose body is coming; the body arrives in `f.request.body` later.
flow::Flow posted(std::string body, std::string length_header = "Content-Length") {
  flow::Flow f = live(request("POST", "http://x.test/q"));
  if (length_header == "Content-Length") {
    f.request.headers.add("Content-Length", std::to_string(body.size()));
  } else {
    f.request.headers.add("Transfer-Encoding", "chunked");
  }
  return f;
}

void arrive(flow::Flow& f, std::string body, std::size_t limit = 0) {
  f.request.body.size = body.size();
  f.request.body.truncated = limit != 0 && body.size() > limit;
  f.request.body.data = f.request.body.truncated ? body.substr(0, limit) : body;
}

TEST_F(ServerReplayHookTest, ARequestWithABodyIsHeldAndMatchedOnItAtItsEnd) {
  ServerReplayHook hook = make(false);
  flow::Flow f = posted("one");
  EXPECT_EQ(hook.on_hook(HookPoint::kRequestHead, f).kind, HookAnswer::Kind::kHold);
  EXPECT_TRUE(outcomes.empty()) << "nothing is decided before the body is read";
  arrive(f, "one");
  HookAnswer answer = hook.on_hook(HookPoint::kRequestEnd, f);
  ASSERT_EQ(answer.kind, HookAnswer::Kind::kAnswer);
  EXPECT_EQ(answer.response.status, 201);
  EXPECT_EQ(f.served_from, "4-2");

  flow::Flow other = posted("two", "Transfer-Encoding");
  EXPECT_EQ(hook.on_hook(HookPoint::kRequestHead, other).kind, HookAnswer::Kind::kHold);
  arrive(other, "two");
  answer = hook.on_hook(HookPoint::kRequestEnd, other);
  ASSERT_EQ(answer.kind, HookAnswer::Kind::kAnswer);
  EXPECT_EQ(answer.response.status, 502);
  EXPECT_NE(answer.response.body.find("It has 1 request with this method and URL and another body: pass --match "
                                      "ignore-body to ignore bodies."),
            std::string::npos)
      << answer.response.body;
}

TEST_F(ServerReplayHookTest, IgnoreBodyDecidesAtTheHead) {
  MatchRules rules;
  ASSERT_TRUE(add_match_rule(rules, "ignore-body"));
  ServerReplayHook hook = make(false, rules);
  flow::Flow f = posted("anything");
  EXPECT_EQ(hook.on_hook(HookPoint::kRequestHead, f).response.status, 201);
}

TEST_F(ServerReplayHookTest, ABodyLongerThanTheLimitIsNotHeld) {
  auto book = std::make_shared<RecordedResponses>(
      std::vector<flow::Flow>{exchange("4-2", request("POST", "http://x.test/q", "a long body"), 201, "created")},
      MatchRules{});
  ServerReplayOptions options;
  options.body_limit = 4;
  options.on_outcome = [this](const Outcome& outcome) { outcomes.push_back(outcome); };
  ServerReplayHook hook(book, std::move(options));

  // Declared too long: decided at the head on method and URL.
  flow::Flow declared = posted("a long body");
  EXPECT_EQ(hook.on_hook(HookPoint::kRequestHead, declared).response.status, 201);

  // Chunked, found too long once held: the layer has let it go upstream.
  flow::Flow chunked = posted("", "Transfer-Encoding");
  EXPECT_EQ(hook.on_hook(HookPoint::kRequestHead, chunked).kind, HookAnswer::Kind::kHold);
  arrive(chunked, "a long body", 4);
  EXPECT_EQ(hook.on_hook(HookPoint::kRequestEnd, chunked).kind, HookAnswer::Kind::kContinue);
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcome_line(outcomes[1]),
            "127.0.0.1:5000 POST http://x.test/q body over --body-limit, sent to the origin unmatched");
  EXPECT_EQ(hook.tally().passed_through, 1u);
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
