// Answers proxy::Session generates itself, and the flows it records for them.
#include <gtest/gtest.h>

#include "core/base64.hpp"
#include "session_harness.hpp"

namespace flowscope::proxy::testing {
namespace {

// The body of a proxy-generated answer, after its head.
std::string body_of(const std::string& response) { return response.substr(response.find("\r\n\r\n") + 4); }

TEST(SessionErrors, OriginFormRequestIsExplained) {
  SessionHarness h;
  h.client("GET / HTTP/1.1\r\nHost: localhost:8080\r\n\r\n");
  const std::string answer = h.take_client_bytes();
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain"));
  EXPECT_NE(body_of(answer).find("curl -x"), std::string::npos);
  EXPECT_EQ(h.count<OpenConnection>(), 0u);
  EXPECT_EQ(h.flows()[0].response->status, 400);
  EXPECT_FALSE(h.flows()[0].error.empty());
}

TEST(SessionErrors, ConnectFailuresMapTo502And504) {
  struct Case {
    UpstreamFailureKind kind;
    int status;
  };
  for (auto c : {Case{UpstreamFailureKind::kDns, 502}, Case{UpstreamFailureKind::kRefused, 502},
                 Case{UpstreamFailureKind::kTimeout, 504}}) {
    SessionHarness h;
    h.client("GET http://o.test/ HTTP/1.1\r\nHost: o.test\r\n\r\n");
    h.failed(c.kind, "what happened");
    const std::string answer = h.take_client_bytes();
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 " + std::to_string(c.status))) << answer;
    EXPECT_EQ(body_of(answer), "cannot connect to o.test:80: what happened\n");
    EXPECT_EQ(h.flows()[0].error, "cannot connect to o.test:80: what happened");
    EXPECT_TRUE(h.closed());
  }
}

TEST(SessionErrors, ResponseTimeoutIs504) {
  SessionHarness h;
  h.client("GET http://o.test/ HTTP/1.1\r\nHost: o.test\r\n\r\n");
  h.connected();
  ASSERT_EQ(h.all<StartTimer>().back().kind, TimerKind::kResponse);
  h.timer(TimerKind::kResponse);
  EXPECT_TRUE(h.take_client_bytes().starts_with("HTTP/1.1 504 Gateway Timeout\r\n"));
  EXPECT_FALSE(h.releases()[0].reusable);
}

TEST(SessionErrors, SlowHeadIs408) {
  Config config;
  config.header_timeout_ms = 1234;
  SessionHarness h(config);
  h.client("GET http://o.test/ HTTP/1.1\r\nHo");
  auto timers = h.all<StartTimer>();
  EXPECT_EQ(timers.back().kind, TimerKind::kHeader);
  EXPECT_EQ(timers.back().ms, 1234u);
  h.timer(TimerKind::kHeader);
  EXPECT_TRUE(h.take_client_bytes().starts_with("HTTP/1.1 408"));
  EXPECT_TRUE(h.closed());
}

TEST(SessionErrors, IdleTimeoutClosesQuietly) {
  SessionHarness h;
  h.timer(TimerKind::kIdle);
  EXPECT_TRUE(h.closed());
  EXPECT_EQ(h.take_client_bytes(), "");
  EXPECT_EQ(h.count<RecordFlow>(), 0u);
}

TEST(SessionErrors, ProxyAuthentication) {
  Config config;
  config.proxy_auth = "user:secret";
  {
    SessionHarness h(config);
    h.client("GET http://o.test/ HTTP/1.1\r\nHost: o.test\r\n\r\n");
    const std::string answer = h.take_client_bytes();
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 407 Proxy Authentication Required\r\n"));
    EXPECT_NE(answer.find("Proxy-Authenticate: Basic realm=\"flowscope\"\r\n"), std::string::npos);
    EXPECT_EQ(h.count<OpenConnection>(), 0u);
  }
  {
    SessionHarness h(config);
    h.client("CONNECT o.test:443 HTTP/1.1\r\nProxy-Authorization: Basic " + base64_encode("user:wrong") +
             "\r\n\r\n");
    EXPECT_TRUE(h.take_client_bytes().starts_with("HTTP/1.1 407"));
  }
  {
    SessionHarness h(config);
    h.client("GET http://o.test/ HTTP/1.1\r\nHost: o.test\r\nProxy-Authorization: Basic " +
             base64_encode("user:secret") + "\r\n\r\n");
    EXPECT_EQ(h.count<OpenConnection>(), 1u);
    h.connected();
    EXPECT_EQ(h.take_upstream_bytes().find("Proxy-Authorization"), std::string::npos);
  }
}

TEST(SessionErrors, HostileRequestsAreNeverForwarded) {
  for (const std::string request :
       {"POST http://o.test/ HTTP/1.1\r\nHost: o.test\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
        "3\r\nabc\r\n0\r\n\r\n",
        "POST http://o.test/ HTTP/1.1\r\nHost: o.test\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        "POST http://o.test/ HTTP/1.1\r\nHost: o.test\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n",
        "GET http://o.test/ HTTP/1.1\r\nHost: o.test\r\nX-A: b\r\n c\r\n\r\n"}) {
    SessionHarness h;
    h.client(request);
    EXPECT_TRUE(h.take_client_bytes().starts_with("HTTP/1.1 400 Bad Request\r\n")) << request;
    EXPECT_EQ(h.count<OpenConnection>(), 0u) << request;
    EXPECT_EQ(h.take_upstream_bytes(), "") << request;
    EXPECT_TRUE(h.closed());
  }
}

TEST(SessionErrors, OversizedHeadIs431) {
  SessionHarness h;
  h.client("GET http://o.test/ HTTP/1.1\r\nX-Big: " + std::string(70 * 1024, 'a') + "\r\n\r\n");
  EXPECT_TRUE(h.take_client_bytes().starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
}

TEST(SessionErrors, ClientGoneMidRequestIsRecorded) {
  SessionHarness h;
  h.client("POST http://o.test/ HTTP/1.1\r\nHost: o.test\r\nContent-Length: 10\r\n\r\nabc");
  h.connected();
  h.client_eof();
  EXPECT_TRUE(h.closed());
  EXPECT_EQ(h.flows()[0].error, "client closed the connection before the request was complete");
  EXPECT_FALSE(h.releases()[0].reusable);
}

TEST(SessionErrors, HalfClosedClientStillGetsItsAnswer) {
  SessionHarness h;
  h.client("GET http://o.test/ HTTP/1.1\r\nHost: o.test\r\n\r\n");
  h.client_eof();
  EXPECT_FALSE(h.closed());
  h.connected();
  h.upstream("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  EXPECT_TRUE(h.take_client_bytes().ends_with("ok"));
  EXPECT_TRUE(h.closed());
}

}  // namespace
}  // namespace flowscope::proxy::testing
