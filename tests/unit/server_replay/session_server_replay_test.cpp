// Server replay through proxy::Session: a request with a body is held (nothing goes
// upstream, not even its head) until it has been read and matched on its body.
#include <gtest/gtest.h>

#include "core/server_replay/server_replay_hook.hpp"
#include "tests/unit/proxy/session_harness.hpp"
#include "tests/unit/server_replay/recorded_flows.hpp"

namespace flowscope::server_replay {
namespace {

using proxy::OpenConnection;
using proxy::testing::SessionHarness;
using testing::exchange;
using testing::request;

const std::string kPost =
    "POST http://origin.test/items HTTP/1.1\r\nHost: origin.test\r\nContent-Type: application/json\r\n"
    "Content-Length: 26\r\n\r\n{ \"tags\": [1], \"id\": 7 }  ";

class SessionServerReplay : public ::testing::Test {
 protected:
  explicit SessionServerReplay(bool passthrough = false) {
    ServerReplayOptions options;
    options.passthrough = passthrough;
    options.recording_name = "api.har";
    options.body_limit = proxy::Config{}.body_limit;
    hook_.emplace(std::make_shared<RecordedResponses>(
                      std::vector<flow::Flow>{exchange("3-1",
                                                       request("POST", "http://origin.test/items",
                                                               R"({"id":7,"tags":[1]})", "application/json"),
                                                       201, R"({"created":7})", "application/json")},
                      MatchRules{}),
                  std::move(options));
  }
  SessionHarness harness() { return SessionHarness(proxy::Config{}, nullptr, nullptr, "127.0.0.1:50000", &*hook_); }

  std::optional<ServerReplayHook> hook_;
};

TEST_F(SessionServerReplay, AJsonBodyInAnotherKeyOrderIsServedWithoutTheOrigin) {
  for (const auto& pieces : proxy::testing::every_split(kPost)) {
    SessionHarness h = harness();
    for (const auto& piece : pieces) h.client(piece);
    const std::string answer = h.take_client_bytes();
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 201 Created\r\n")) << answer;
    EXPECT_TRUE(answer.ends_with("\r\n\r\n{\"created\":7}")) << answer;
    EXPECT_EQ(h.count<OpenConnection>(), 0u);
    EXPECT_EQ(h.take_upstream_bytes(), "");
    auto flows = h.flows();
    ASSERT_EQ(flows.size(), 1u);
    EXPECT_EQ(flows[0].served_from, "3-1");
    EXPECT_EQ(flows[0].request.body.data, "{ \"tags\": [1], \"id\": 7 }  ") << "recorded as the client sent it";
  }
}

TEST_F(SessionServerReplay, AnotherBodyGetsThe502AndNothingIsSentUpstream) {
  SessionHarness h = harness();
  h.client("POST http://origin.test/items HTTP/1.1\r\nHost: origin.test\r\nContent-Type: application/json\r\n"
           "Transfer-Encoding: chunked\r\n\r\n9\r\n{\"id\":8}\n\r\n0\r\n\r\n");
  const std::string answer = h.take_client_bytes();
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 502 Bad Gateway\r\n")) << answer;
  EXPECT_NE(answer.find("no recorded response for POST http://origin.test/items"), std::string::npos) << answer;
  EXPECT_NE(answer.find("--match ignore-body"), std::string::npos) << answer;
  EXPECT_EQ(h.count<OpenConnection>(), 0u);
  const Tally tally = hook_->tally();
  EXPECT_EQ(tally.unmatched, 1u);
}

class SessionServerReplayPassthrough : public SessionServerReplay {
 protected:
  SessionServerReplayPassthrough() : SessionServerReplay(true) {}
};

TEST_F(SessionServerReplayPassthrough, AnUnmatchedHeldRequestGoesUpstreamWhole) {
  SessionHarness h = harness();
  const std::string post =
      "POST http://origin.test/items HTTP/1.1\r\nHost: origin.test\r\nContent-Length: 5\r\n\r\nother";
  h.client(post.substr(0, post.size() - 2));
  EXPECT_EQ(h.count<OpenConnection>(), 0u) << "held until the body is read";
  h.client(post.substr(post.size() - 2));
  ASSERT_EQ(h.count<OpenConnection>(), 1u);
  h.connected();
  EXPECT_EQ(h.take_upstream_bytes(), "POST /items HTTP/1.1\r\nHost: origin.test\r\nContent-Length: 5\r\n\r\nother");
  h.upstream("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  EXPECT_EQ(h.take_client_bytes(), "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  EXPECT_EQ(hook_->tally().passed_through, 1u);
  EXPECT_EQ(h.flows().at(0).served_from, "");
}

}  // namespace
}  // namespace flowscope::server_replay
