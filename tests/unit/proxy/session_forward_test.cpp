// Absolute-form requests through proxy::Session, asserted on the commands it returns.
#include <gtest/gtest.h>

#include "session_harness.hpp"

namespace flowscope::proxy::testing {
namespace {

const std::string kRequest =
    "GET http://origin.test:8080/a?b=1 HTTP/1.1\r\n"
    "Host: wrong.test\r\n"
    "Proxy-Connection: keep-alive\r\n"
    "Connection: X-Hop, keep-alive\r\n"
    "X-Hop: gone\r\n"
    "Keep-Alive: timeout=5\r\n"
    "TE: trailers\r\n"
    "Proxy-Authorization: Basic Zm9vOmJhcg==\r\n"
    "Accept: */*\r\n"
    "X-Dup: 1\r\n"
    "X-Dup: 2\r\n"
    "\r\n";

const std::string kForwarded =
    "GET /a?b=1 HTTP/1.1\r\n"
    "Host: origin.test:8080\r\n"
    "Accept: */*\r\n"
    "X-Dup: 1\r\n"
    "X-Dup: 2\r\n"
    "\r\n";

const std::string kResponse = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: keep-alive\r\nX-R: 1\r\n\r\nhello";
const std::string kRelayed = "HTTP/1.1 200 OK\r\nX-R: 1\r\nContent-Length: 5\r\n\r\nhello";

TEST(SessionForward, RewritesTheRequestWhateverTheSplit) {
  for (const auto& pieces : every_split(kRequest)) {
    SessionHarness h;
    for (const auto& p : pieces) h.client(p);
    ASSERT_EQ(h.count<OpenConnection>(), 1u);
    auto open = h.all<OpenConnection>()[0];
    EXPECT_EQ(open.host, "origin.test");
    EXPECT_EQ(open.port, 8080);
    EXPECT_TRUE(open.allow_pooled);
    EXPECT_EQ(h.take_upstream_bytes(), "");  // nothing goes out before the connection exists
    h.connected();
    ASSERT_EQ(h.take_upstream_bytes(), kForwarded);
  }
}

TEST(SessionForward, RelaysTheResponseWhateverTheSplit) {
  for (const auto& pieces : every_split(kResponse)) {
    SessionHarness h;
    h.client(kRequest);
    h.connected();
    for (const auto& p : pieces) h.upstream(p);
    ASSERT_EQ(h.take_client_bytes(), kRelayed);
    ASSERT_EQ(h.count<RecordFlow>(), 1u);
    auto flow = h.flows()[0];
    EXPECT_EQ(flow.request.method, "GET");
    EXPECT_EQ(flow.request.url, "http://origin.test:8080/a?b=1");
    EXPECT_EQ(flow.response->status, 200);
    EXPECT_EQ(flow.response->body.data, "hello");
    EXPECT_EQ(flow.server_address, "127.0.0.1:9");
    EXPECT_EQ(flow.error, "");
    EXPECT_EQ(flow.timings.dns, 0.5);
    ASSERT_EQ(h.releases().size(), 1u);
    EXPECT_TRUE(h.releases()[0].reusable);
    EXPECT_FALSE(h.closed());
  }
}

TEST(SessionForward, DefaultPortIsLeftOutOfHost) {
  SessionHarness h;
  h.client("GET http://origin.test/ HTTP/1.1\r\nHost: x\r\n\r\n");
  h.connected();
  EXPECT_EQ(h.take_upstream_bytes(), "GET / HTTP/1.1\r\nHost: origin.test\r\n\r\n");
  EXPECT_EQ(h.all<OpenConnection>()[0].port, 80);
}

TEST(SessionForward, StreamsAChunkedUploadAndKeepsTrailers) {
  SessionHarness h;
  h.client("POST http://o.test/up HTTP/1.1\r\nHost: o.test\r\nTransfer-Encoding: chunked\r\n\r\n");
  h.connected();
  EXPECT_EQ(h.take_upstream_bytes(), "POST /up HTTP/1.1\r\nHost: o.test\r\nTransfer-Encoding: chunked\r\n\r\n");
  h.client("3\r\nabc\r\n");
  EXPECT_EQ(h.take_upstream_bytes(), "3\r\nabc\r\n");  // forwarded before the body ends
  h.client("0\r\nX-Sum: 9\r\n\r\n");
  EXPECT_EQ(h.take_upstream_bytes(), "0\r\nX-Sum: 9\r\n\r\n");
}

TEST(SessionForward, ContentLengthBodyIsForwardedAsItArrives) {
  SessionHarness h;
  h.client("PUT http://o.test/ HTTP/1.1\r\nHost: o.test\r\nContent-Length: 6\r\n\r\nabc");
  h.connected();
  EXPECT_EQ(h.take_upstream_bytes(), "PUT / HTTP/1.1\r\nHost: o.test\r\nContent-Length: 6\r\n\r\nabc");
  h.client("def");
  EXPECT_EQ(h.take_upstream_bytes(), "def");
  h.upstream("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(h.flows()[0].request.body.data, "abcdef");
}

TEST(SessionForward, CloseDelimitedResponseIsRechunkedForHttp11Clients) {
  SessionHarness h;
  h.client("GET http://o.test/ HTTP/1.1\r\nHost: o.test\r\n\r\n");
  h.connected();
  h.upstream("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nabc");
  h.upstream("def");
  h.upstream_eof();
  EXPECT_EQ(h.take_client_bytes(),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
            "3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n");
  EXPECT_FALSE(h.closed());  // the client connection survives
  EXPECT_FALSE(h.releases()[0].reusable);
}

TEST(SessionForward, CloseDelimitedResponseToHttp10ClientClosesIt) {
  SessionHarness h;
  h.client("GET http://o.test/ HTTP/1.0\r\n\r\n");
  h.connected();
  h.upstream("HTTP/1.0 200 OK\r\n\r\nabc");
  h.upstream_eof();
  EXPECT_EQ(h.take_client_bytes(), "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nabc");
  EXPECT_TRUE(h.closed());
}

TEST(SessionForward, HeadResponseKeepsItsContentLengthAndHasNoBody) {
  SessionHarness h;
  h.client("HEAD http://o.test/ HTTP/1.1\r\nHost: o.test\r\n\r\n");
  h.connected();
  h.upstream("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
  EXPECT_EQ(h.take_client_bytes(), "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
  EXPECT_EQ(h.count<RecordFlow>(), 1u);
  EXPECT_TRUE(h.releases()[0].reusable);
}

TEST(SessionForward, InterimResponsesAreForwarded) {
  SessionHarness h;
  h.client("POST http://o.test/ HTTP/1.1\r\nHost: o.test\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
  h.connected();
  h.upstream("HTTP/1.1 100 Continue\r\n\r\n");
  EXPECT_EQ(h.take_client_bytes(), "HTTP/1.1 100 Continue\r\n\r\n");
  h.client("ok");
  EXPECT_EQ(h.take_upstream_bytes(),
            "POST / HTTP/1.1\r\nHost: o.test\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok");
  h.upstream("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(h.take_client_bytes(), "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(h.flows()[0].response->status, 200);
}

TEST(SessionForward, PipelinedRequestsAreAnsweredInOrder) {
  SessionHarness h;
  h.client("GET http://o.test/1 HTTP/1.1\r\nHost: o.test\r\n\r\nGET http://o.test/2 HTTP/1.1\r\nHost: o.test\r\n\r\n");
  h.connected();
  EXPECT_EQ(h.take_upstream_bytes(), "GET /1 HTTP/1.1\r\nHost: o.test\r\n\r\n");  // one at a time
  h.upstream("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1");
  EXPECT_EQ(h.take_client_bytes(), "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1");
  ASSERT_EQ(h.count<OpenConnection>(), 2u);  // the first connection went back to the pool
  h.connected(/*reused=*/true);
  EXPECT_EQ(h.take_upstream_bytes(), "GET /2 HTTP/1.1\r\nHost: o.test\r\n\r\n");
  h.upstream("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n2");
  EXPECT_EQ(h.take_client_bytes(), "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n2");
  EXPECT_EQ(h.count<RecordFlow>(), 2u);
}

TEST(SessionForward, StalePooledConnectionIsRetriedOnce) {
  SessionHarness h;
  h.client("GET http://o.test/ HTTP/1.1\r\nHost: o.test\r\n\r\n");
  h.connected(/*reused=*/true);
  const std::string sent = h.take_upstream_bytes();
  h.upstream_eof();  // the origin had closed the idle connection
  ASSERT_EQ(h.count<OpenConnection>(), 2u);
  EXPECT_FALSE(h.all<OpenConnection>()[1].allow_pooled);
  EXPECT_EQ(h.take_client_bytes(), "");
  h.connected();
  EXPECT_EQ(h.take_upstream_bytes(), sent);
  h.upstream("HTTP/1.1 204 No Content\r\n\r\n");
  EXPECT_EQ(h.take_client_bytes(), "HTTP/1.1 204 No Content\r\n\r\n");
}

TEST(SessionForward, FreshConnectionClosingWithoutAnswerIs502) {
  SessionHarness h;
  h.client("GET http://o.test/ HTTP/1.1\r\nHost: o.test\r\n\r\n");
  h.connected();
  h.upstream_eof();
  EXPECT_TRUE(h.take_client_bytes().starts_with("HTTP/1.1 502 Bad Gateway\r\n"));
  EXPECT_EQ(h.flows()[0].error, "upstream closed the connection without responding");
  EXPECT_TRUE(h.closed());
}

TEST(SessionForward, UpstreamDyingMidResponseCutsTheClient) {
  SessionHarness h;
  h.client("GET http://o.test/ HTTP/1.1\r\nHost: o.test\r\n\r\n");
  h.connected();
  h.upstream("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial");
  h.upstream_error("connection reset by peer");
  EXPECT_TRUE(h.closed());
  EXPECT_EQ(h.flows()[0].error, "upstream connection error: connection reset by peer");
  EXPECT_EQ(h.flows()[0].response->status, 200);
}

TEST(SessionForward, BodyBeyondTheLimitIsCountedNotKept) {
  Config config;
  config.body_limit = 4;
  SessionHarness h(config);
  h.client("GET http://o.test/ HTTP/1.1\r\nHost: o.test\r\n\r\n");
  h.connected();
  h.upstream("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789");
  auto body = h.flows()[0].response->body;
  EXPECT_EQ(body.data, "0123");
  EXPECT_EQ(body.size, 10u);
  EXPECT_TRUE(body.truncated);
}

TEST(SessionForward, ClientConnectionCloseIsHonoured) {
  SessionHarness h;
  h.client("GET http://o.test/ HTTP/1.1\r\nHost: o.test\r\nConnection: close\r\n\r\n");
  h.connected();
  EXPECT_EQ(h.take_upstream_bytes(), "GET / HTTP/1.1\r\nHost: o.test\r\n\r\n");  // upstream stays keep-alive
  h.upstream("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(h.take_client_bytes(), "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(h.closed());
  EXPECT_TRUE(h.releases()[0].reusable);
}

TEST(SessionForward, WebSocketUpgradeBecomesARelay) {
  SessionHarness h;
  h.client("GET http://o.test/ws HTTP/1.1\r\nHost: o.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
           "Sec-WebSocket-Key: x\r\n\r\n");
  h.connected();
  EXPECT_EQ(h.take_upstream_bytes(),
            "GET /ws HTTP/1.1\r\nHost: o.test\r\nUpgrade: websocket\r\nSec-WebSocket-Key: x\r\nConnection: Upgrade\r\n\r\n");
  h.upstream("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nframe1");
  EXPECT_EQ(h.take_client_bytes(),
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nframe1");
  h.client("frame2");
  EXPECT_EQ(h.take_upstream_bytes(), "frame2");
}

TEST(SessionForward, BackpressureBeforeTheUpstreamConnects) {
  SessionHarness h;
  h.client("POST http://o.test/ HTTP/1.1\r\nHost: o.test\r\nContent-Length: 1000000\r\n\r\n");
  h.client(std::string(Session::kHighWater + 1, 'x'));
  EXPECT_FALSE(h.session().wants_client_reads());
  h.connected();
  EXPECT_TRUE(h.session().wants_client_reads());
}

TEST(SessionForward, ViaUpstreamProxyUsesAbsoluteFormAndCredentials) {
  Config config;
  config.upstream_proxy = UpstreamProxy{"parent.test", 3128, "u:p"};
  SessionHarness h(config);
  h.client("GET http://o.test/x HTTP/1.1\r\nHost: o.test\r\n\r\n");
  auto open = h.all<OpenConnection>()[0];
  EXPECT_EQ(open.host, "parent.test");
  EXPECT_EQ(open.port, 3128);
  h.connected();
  EXPECT_EQ(h.take_upstream_bytes(),
            "GET http://o.test/x HTTP/1.1\r\nHost: o.test\r\nProxy-Authorization: Basic dTpw\r\n\r\n");
}

TEST(SessionForward, ShutdownFinishesTheExchangeThenCloses) {
  SessionHarness h;
  h.client("GET http://o.test/ HTTP/1.1\r\nHost: o.test\r\n\r\n");
  h.connected();
  h.shutdown();
  EXPECT_FALSE(h.closed());
  h.upstream("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(h.take_client_bytes(), "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(h.closed());
}

TEST(SessionForward, IdleConnectionClosesOnShutdown) {
  SessionHarness h;
  h.shutdown();
  EXPECT_TRUE(h.closed());
  EXPECT_EQ(h.count<RecordFlow>(), 0u);
}

}  // namespace
}  // namespace flowscope::proxy::testing
