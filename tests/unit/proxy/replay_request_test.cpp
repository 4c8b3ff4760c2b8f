// plan_replay: the bytes a virtual client sends for a recorded request.
#include "core/proxy/replay_request.hpp"

#include <gtest/gtest.h>

#include "session_harness.hpp"

namespace flowscope::proxy::testing {
namespace {

flow::Flow recorded(std::string method, std::string url, std::string body = {}) {
  flow::Flow f;
  f.id = "1-1";
  f.scheme = url.starts_with("https") ? "https" : "http";
  f.request = {std::move(method), std::move(url), "HTTP/1.1", {}, {}};
  f.request.headers.add("Host", "ignored.test");
  f.request.headers.add("Proxy-Authorization", "Basic c2VjcmV0");
  f.request.headers.add("Transfer-Encoding", "chunked");
  f.request.headers.add("Accept", "*/*");
  f.request.body.data = body;
  f.request.body.size = body.size();
  return f;
}

TEST(ReplayRequest, HttpIsOneAbsoluteFormRequestWithItsBodyLength) {
  auto plan = plan_replay(recorded("POST", "http://origin.test:8080/a?b=1", "xyz"));
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_FALSE(plan->https);
  EXPECT_EQ(plan->client_bytes,
            "POST http://origin.test:8080/a?b=1 HTTP/1.1\r\nHost: origin.test:8080\r\nAccept: */*\r\n"
            "Connection: close\r\nContent-Length: 3\r\n\r\nxyz");
}

TEST(ReplayRequest, HttpsIsAConnectThenOriginForm) {
  auto plan = plan_replay(recorded("GET", "https://origin.test/p"));
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_TRUE(plan->https);
  EXPECT_EQ(plan->client_bytes,
            "CONNECT origin.test:443 HTTP/1.1\r\nHost: origin.test:443\r\n\r\n"
            "GET /p HTTP/1.1\r\nHost: origin.test\r\nAccept: */*\r\nConnection: close\r\n\r\n");
}

TEST(ReplayRequest, WhatCannotBeReplayedSaysWhy) {
  flow::Flow tunnel;
  tunnel.id = "2-1";
  tunnel.scheme = "tunnel";
  tunnel.tunnel = flow::Tunnel{};
  EXPECT_NE(plan_replay(tunnel).error().message.find("blind tunnel"), std::string::npos);

  flow::Flow cut = recorded("POST", "http://origin.test/", "abc");
  cut.request.body.size = 10;
  cut.request.body.truncated = true;
  EXPECT_NE(plan_replay(cut).error().message.find("--body-limit"), std::string::npos);

  EXPECT_FALSE(plan_replay(recorded("GET", "not a url")));
}

TEST(ReplayRequest, ThroughASessionTheFlowCarriesReplayOf) {
  auto plan = plan_replay(recorded("GET", "http://origin.test/a"));
  ASSERT_TRUE(plan);
  Config config;
  config.proxy_auth = "user:pass";  // the engine's own replay needs no proxy credentials
  BlindTunnelPolicy policy;
  SessionOptions options;
  options.replay_of = "1-1";
  Session s(config, policy, nullptr, Clock{[] { return std::int64_t{1}; }, [] { return std::int64_t{2}; }}, 4,
            "replay", options);
  s.handle(Started{});
  s.handle(DataReceived{kClientConnection, plan->client_bytes});
  s.handle(Connected{1, UpstreamInfo{}});
  s.handle(DataReceived{1, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"});
  std::vector<flow::Flow> flows;
  bool closed = false;
  for (auto& c : s.take_commands()) {
    if (auto* r = std::get_if<RecordFlow>(&c)) flows.push_back(r->flow);
    if (auto* close = std::get_if<CloseConnection>(&c)) closed |= close->connection == kClientConnection;
  }
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0].replay_of, "1-1");
  EXPECT_EQ(flows[0].response->status, 200);
  EXPECT_TRUE(closed) << "Connection: close ends the replay's session after the response";
}

}  // namespace
}  // namespace flowscope::proxy::testing
