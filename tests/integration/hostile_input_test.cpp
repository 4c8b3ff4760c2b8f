// Requests built to smuggle or stall: ambiguous framing is refused with 400 before
// anything reaches the origin, and a client that dribbles its head is cut off
// without holding up anyone else.
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/proxy_fixture.hpp"

namespace flowscope::integration {
namespace {

class HostileInputTest : public ProxyTest {
 protected:
  void SetUp() override { start(); }

  // Sends `request` (head and body in one write); expects a 400 and a closed
  // connection; then proves with a normal request that the origin never saw the
  // hostile one.
  void expect_refused(OriginServer& origin, const std::string& request,
                      const std::string& error_part) {
    TestClient client(port());
    ASSERT_TRUE(client.send(request));
    HttpResponse r = client.read_response();
    ASSERT_TRUE(r.complete) << r.error;
    EXPECT_EQ(r.status(), 400);
    EXPECT_EQ(r.header("Connection"), "close");
    EXPECT_NE(r.body.find("malformed request"), std::string::npos) << r.body;
    EXPECT_TRUE(r.closed || client.wait_closed());

    auto f = flows(1);
    ASSERT_GE(f.size(), 1u);
    EXPECT_NE(f[0].error.find(error_part), std::string::npos) << f[0].error;
    ASSERT_TRUE(f[0].response.has_value());
    EXPECT_EQ(f[0].response->status, 400);

    // A well-formed request afterwards: the only one the origin may have seen.
    HttpResponse after = exchange(get(origin, "/after"));
    ASSERT_TRUE(after.complete) << after.error;
    EXPECT_EQ(after.status(), 200);
    auto received = origin.requests();
    ASSERT_EQ(received.size(), 1u);
    EXPECT_EQ(received[0].head.target, "/after");
    EXPECT_TRUE(origin.errors().empty());
  }

  static std::string post_head(const OriginServer& origin) {
    return "POST " + origin.url("/smuggle") + " HTTP/1.1\r\nHost: " + origin.authority() + "\r\n";
  }
};

TEST_F(HostileInputTest, ContentLengthWithTransferEncodingIs400) {
  OriginServer origin(OriginServer::echo());
  expect_refused(
      origin,
      post_head(origin) +
          "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /x HTTP/1.1\r\n\r\n",
      "malformed request");
  EXPECT_EQ(origin.connection_count(), 1u);  // only the /after request's
}

TEST_F(HostileInputTest, TransferEncodingBeforeContentLengthIs400) {
  OriginServer origin(OriginServer::echo());
  expect_refused(
      origin,
      post_head(origin) + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
      "malformed request");
}

TEST_F(HostileInputTest, DifferingDuplicateContentLengthIs400) {
  OriginServer origin(OriginServer::echo());
  expect_refused(origin, post_head(origin) + "Content-Length: 3\r\nContent-Length: 5\r\n\r\nabcde",
                 "malformed request");
}

TEST_F(HostileInputTest, ContentLengthListIs400) {
  OriginServer origin(OriginServer::echo());
  expect_refused(origin, post_head(origin) + "Content-Length: 3, 5\r\n\r\nabcde",
                 "malformed request");
}

TEST_F(HostileInputTest, NegativeContentLengthIs400) {
  OriginServer origin(OriginServer::echo());
  expect_refused(origin, post_head(origin) + "Content-Length: -1\r\n\r\n", "malformed request");
}

TEST_F(HostileInputTest, TransferEncodingNotEndingInChunkedIs400) {
  OriginServer origin(OriginServer::echo());
  expect_refused(
      origin,
      post_head(origin) + "Transfer-Encoding: chunked, identity\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
      "malformed request");
}

TEST_F(HostileInputTest, BadChunkSizeIs400) {
  OriginServer origin(OriginServer::echo());
  expect_refused(origin,
                 post_head(origin) + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
                 "malformed request");
}

TEST_F(HostileInputTest, OverflowingChunkSizeIs400) {
  OriginServer origin(OriginServer::echo());
  expect_refused(
      origin, post_head(origin) + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nabc\r\n",
      "malformed request");
}

TEST_F(HostileInputTest, ObsFoldIs400) {
  OriginServer origin(OriginServer::echo());
  expect_refused(origin,
                 "GET " + origin.url("/smuggle") + " HTTP/1.1\r\nHost: " + origin.authority() +
                     "\r\nX-Folded: one\r\n two\r\n\r\n",
                 "malformed request");
}

TEST_F(HostileInputTest, WhitespaceBeforeColonIs400) {
  OriginServer origin(OriginServer::echo());
  expect_refused(
      origin,
      "GET " + origin.url("/smuggle") + " HTTP/1.1\r\nHost : " + origin.authority() + "\r\n\r\n",
      "malformed request");
}

TEST_F(HostileInputTest, NulInHeaderValueIs400) {
  OriginServer origin(OriginServer::echo());
  expect_refused(origin,
                 "GET " + origin.url("/smuggle") + " HTTP/1.1\r\nHost: " + origin.authority() +
                     std::string("\r\nX-Nul: a\0b\r\n\r\n", 16),
                 "malformed request");
}

// The bad chunk arrives after the head has already been forwarded: the client
// still gets a 400, and the upstream connection is not reused.
TEST_F(HostileInputTest, BadChunkAfterForwardedHeadIs400) {
  OriginServer origin([](Exchange& ex) {
    ex.body();  // never completes: the proxy drops the connection
  });
  TestClient client(port());
  ASSERT_TRUE(client.send(post_head(origin) + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n"));
  ASSERT_TRUE(origin.wait_for_requests(1));
  ASSERT_TRUE(client.send("zz\r\n"));
  HttpResponse r = client.read_response();
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 400);
  EXPECT_TRUE(origin.wait_for_peer_closes(1));
  auto received = origin.requests();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_FALSE(received[0].complete);
  auto f = flows(1);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].error.find("malformed request"), std::string::npos) << f[0].error;
}

class SlowClientTest : public ProxyTest {};

TEST_F(SlowClientTest, SlowlorisHeadTimesOutWhileOthersAreServed) {
  proxy::Config config = testsupport::test_config();
  config.header_timeout_ms = 200;
  start(config);
  OriginServer origin(OriginServer::fixed(200, "served"));

  TestClient slow(port());
  ASSERT_TRUE(slow.send("GET " + origin.url("/slow") + " HTTP/1.1\r\nHost: " + origin.authority() +
                        "\r\nX-Part"));

  // Another client is served normally while the slow head is pending.
  HttpResponse r = exchange(get(origin, "/fast"));
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 200);
  EXPECT_EQ(r.body, "served");

  HttpResponse timeout = slow.read_response();
  ASSERT_TRUE(timeout.complete) << timeout.error;
  EXPECT_EQ(timeout.status(), 408);
  EXPECT_EQ(timeout.header("Connection"), "close");
  EXPECT_NE(timeout.body.find("request head not received within 200 ms"), std::string::npos)
      << timeout.body;
  EXPECT_TRUE(timeout.closed || slow.wait_closed());

  auto f = flows(2);
  ASSERT_EQ(f.size(), 2u);
  int timeouts = 0;
  for (const auto& flow : f) {
    if (flow.error.empty()) {
      EXPECT_EQ(flow.request.url, origin.url("/fast"));
    } else {
      ++timeouts;
      EXPECT_EQ(flow.error, "request head not received within 200 ms");
      ASSERT_TRUE(flow.response.has_value());
      EXPECT_EQ(flow.response->status, 408);
    }
  }
  EXPECT_EQ(timeouts, 1);
  auto received = origin.requests();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].head.target, "/fast");
}

TEST_F(SlowClientTest, IdleClientConnectionsAreClosedWithoutAFlow) {
  proxy::Config config = testsupport::test_config();
  config.idle_timeout_ms = 500;  // long enough for this test's own steps
  start(config);
  OriginServer origin(OriginServer::fixed(200, "once"));

  TestClient silent(port());
  EXPECT_TRUE(silent.wait_closed());  // never sent a byte

  TestClient kept(port());
  ASSERT_TRUE(kept.send(get(origin, "/")));
  HttpResponse r = kept.read_response();
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.body, "once");
  EXPECT_TRUE(kept.wait_closed());  // idle after its exchange

  auto f = flows(1);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].error, "");
  EXPECT_EQ(sink().flows().size(), 1u);
}

}  // namespace
}  // namespace flowscope::integration
