// Connection reuse on both sides: client keep-alive, pipelining answered in order,
// the per-loop upstream pool, and the one transparent retry when a pooled upstream
// connection turns out to be closed.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/proxy_fixture.hpp"

namespace flowscope::integration {
namespace {

class KeepAliveTest : public ProxyTest {};

TEST_F(KeepAliveTest, SequentialRequestsShareClientAndUpstreamConnections) {
  start();
  OriginServer origin(OriginServer::echo());
  TestClient client(port());
  ASSERT_TRUE(client.connected()) << client.connect_error();
  for (int i = 0; i < 3; ++i) {
    const std::string path = "/seq/" + std::to_string(i);
    ASSERT_TRUE(client.send(get(origin, path)));
    HttpResponse r = client.read_response();
    ASSERT_TRUE(r.complete) << r.error;
    EXPECT_EQ(r.header("X-Target"), path);
    EXPECT_FALSE(r.closed);
    EXPECT_FALSE(r.has_header("Connection"));
  }
  EXPECT_EQ(origin.connection_count(), 1u);
  auto received = origin.requests();
  ASSERT_EQ(received.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(received[i].connection, 0u);
    EXPECT_EQ(received[i].index, i);
  }

  auto f = flows(3);
  ASSERT_EQ(f.size(), 3u);
  for (const auto& flow : f) {
    EXPECT_EQ(flow.error, "");
    EXPECT_EQ(flow.connection_id, f[0].connection_id);
    EXPECT_EQ(flow.response->status, 200);
  }
  EXPECT_NE(f[0].id, f[1].id);
  EXPECT_NE(f[1].id, f[2].id);
  // Only the first exchange connected; the others reused the pooled connection.
  EXPECT_GE(f[0].timings.connect, 0);
  EXPECT_EQ(f[1].timings.connect, -1);
  EXPECT_EQ(f[2].timings.connect, -1);
}

TEST_F(KeepAliveTest, PooledUpstreamIsSharedAcrossClientConnections) {
  start();
  OriginServer origin(OriginServer::echo());
  for (int i = 0; i < 3; ++i) {
    HttpResponse r = exchange(get(origin, "/client/" + std::to_string(i)));
    ASSERT_TRUE(r.complete) << r.error;
    EXPECT_EQ(r.status(), 200);
    // The upstream goes back to the pool before the flow is recorded.
    ASSERT_EQ(flows(i + 1).size(), static_cast<std::size_t>(i + 1));
  }
  EXPECT_EQ(origin.connection_count(), 1u);
  auto f = flows(3);
  EXPECT_NE(f[0].connection_id, f[1].connection_id);
  for (const auto& flow : f) EXPECT_EQ(flow.error, "");
}

TEST_F(KeepAliveTest, PipelinedRequestsAreAnsweredInOrder) {
  start();
  OriginServer origin(OriginServer::echo());
  TestClient client(port());
  const std::string pipeline =
      get(origin, "/a") + "POST " + origin.url("/b") + " HTTP/1.1\r\nHost: " + origin.authority() +
      "\r\nContent-Length: 4\r\n\r\nbody" + "POST " + origin.url("/c") +
      " HTTP/1.1\r\nHost: " + origin.authority() +
      "\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" + get(origin, "/d");
  ASSERT_TRUE(client.send(pipeline));  // one write
  const char* targets[] = {"/a", "/b", "/c", "/d"};
  const char* bodies[] = {"", "body", "abc", ""};
  for (int i = 0; i < 4; ++i) {
    HttpResponse r = client.read_response();
    ASSERT_TRUE(r.complete) << i << ": " << r.error;
    EXPECT_EQ(r.header("X-Target"), targets[i]);
    EXPECT_EQ(r.body, bodies[i]);
  }
  auto received = origin.requests();
  ASSERT_EQ(received.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(received[i].head.target, targets[i]);
  EXPECT_EQ(origin.connection_count(), 1u);

  auto f = flows(4);
  ASSERT_EQ(f.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(f[i].error, "");
    EXPECT_EQ(f[i].request.url, origin.url(targets[i]));
    EXPECT_EQ(f[i].request.body.data, bodies[i]);
  }
}

TEST_F(KeepAliveTest, PipelinedRequestsAcrossDifferentOrigins) {
  start();
  OriginServer one(OriginServer::fixed(200, "one"));
  OriginServer two(OriginServer::fixed(200, "two"));
  TestClient client(port());
  ASSERT_TRUE(client.send(get(one, "/") + get(two, "/") + get(one, "/")));
  for (const char* expected : {"one", "two", "one"}) {
    HttpResponse r = client.read_response();
    ASSERT_TRUE(r.complete) << r.error;
    EXPECT_EQ(r.body, expected);
  }
  EXPECT_EQ(one.requests().size(), 2u);
  EXPECT_EQ(two.requests().size(), 1u);
  for (const auto& flow : flows(3)) EXPECT_EQ(flow.error, "");
}

TEST_F(KeepAliveTest, PipelinedRequestAfterConnectionCloseIsNotAnswered) {
  start();
  OriginServer origin(OriginServer::echo());
  TestClient client(port());
  ASSERT_TRUE(client.send(get(origin, "/last", "Connection: close\r\n") + get(origin, "/ignored")));
  HttpResponse r = client.read_response();
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.header("X-Target"), "/last");
  EXPECT_EQ(r.header("Connection"), "close");
  EXPECT_EQ(client.read_until_eof(), "");
  auto received = origin.requests();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].head.target, "/last");
}

// The origin closes its keep-alive connection only once the proxy has sent the
// second request on it: the proxy must replay that request once on a new connection.
TEST_F(KeepAliveTest, PooledConnectionClosedByOriginIsRetriedTransparently) {
  start();
  OriginServer origin([](Exchange& ex) {
    if (ex.connection_index() == 0 && ex.request_index() == 1) {
      ex.body();
      ex.close_after();  // FIN without a response
      return;
    }
    OriginServer::echo()(ex);
  });
  TestClient client(port());
  ASSERT_TRUE(client.send(get(origin, "/first")));
  HttpResponse r1 = client.read_response();
  ASSERT_TRUE(r1.complete) << r1.error;
  EXPECT_EQ(r1.header("X-Target"), "/first");

  ASSERT_TRUE(client.send("POST " + origin.url("/second") + " HTTP/1.1\r\nHost: " +
                          origin.authority() + "\r\nContent-Length: 5\r\n\r\nagain"));
  HttpResponse r2 = client.read_response();
  ASSERT_TRUE(r2.complete) << r2.error;
  EXPECT_EQ(r2.status(), 200);
  EXPECT_EQ(r2.header("X-Target"), "/second");
  EXPECT_EQ(r2.body, "again");

  EXPECT_EQ(origin.connection_count(), 2u);
  auto received = origin.requests();
  ASSERT_EQ(received.size(), 3u);
  EXPECT_EQ(received[1].connection, 0u);
  EXPECT_EQ(received[2].connection, 1u);
  EXPECT_EQ(received[1].raw, received[2].raw);  // replayed byte for byte

  auto f = flows(2);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[1].error, "");
  EXPECT_EQ(f[1].response->status, 200);
  EXPECT_EQ(f[1].request.body.data, "again");
}

TEST_F(KeepAliveTest, PooledConnectionResetByOriginIsRetriedTransparently) {
  start();
  OriginServer origin([](Exchange& ex) {
    if (ex.connection_index() == 0 && ex.request_index() == 1) {
      ex.reset();
      return;
    }
    OriginServer::echo()(ex);
  });
  TestClient client(port());
  ASSERT_TRUE(client.send(get(origin, "/first")));
  ASSERT_TRUE(client.read_response().complete);
  ASSERT_TRUE(client.send(get(origin, "/second")));
  HttpResponse r2 = client.read_response();
  ASSERT_TRUE(r2.complete) << r2.error;
  EXPECT_EQ(r2.status(), 200);
  EXPECT_EQ(r2.header("X-Target"), "/second");
  EXPECT_EQ(origin.connection_count(), 2u);
  auto f = flows(2);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[1].error, "");
}

// Only one retry: when the fresh connection fails too, the client gets a 502.
TEST_F(KeepAliveTest, RetryHappensOnlyOnce) {
  start();
  OriginServer origin([](Exchange& ex) {
    if (ex.connection_index() == 0 && ex.request_index() == 0) {
      OriginServer::echo()(ex);
      return;
    }
    ex.body();
    ex.close_after();
  });
  TestClient client(port());
  ASSERT_TRUE(client.send(get(origin, "/first")));
  ASSERT_TRUE(client.read_response().complete);
  ASSERT_TRUE(client.send(get(origin, "/second")));
  HttpResponse r2 = client.read_response();
  ASSERT_TRUE(r2.complete) << r2.error;
  EXPECT_EQ(r2.status(), 502);
  EXPECT_EQ(origin.connection_count(), 2u);
  EXPECT_EQ(origin.requests().size(), 3u);
  auto f = flows(2);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[1].error, "upstream closed the connection without responding");
  ASSERT_TRUE(f[1].response.has_value());
  EXPECT_EQ(f[1].response->status, 502);
}

// A fresh (not pooled) connection that closes without a response is not retried.
TEST_F(KeepAliveTest, FreshConnectionClosedWithoutResponseIsNotRetried) {
  start();
  OriginServer origin([](Exchange& ex) {
    ex.body();
    ex.close_after();
  });
  HttpResponse r = exchange(get(origin, "/"));
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 502);
  EXPECT_EQ(origin.connection_count(), 1u);
  auto f = flows(1);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].error, "upstream closed the connection without responding");
}

// The origin closes right after answering (without saying so). The test waits
// until the proxy has closed its side too, i.e. noticed the EOF while the
// connection sat idle in the pool: the next request must get a fresh connection.
TEST_F(KeepAliveTest, IdleUpstreamClosedByOriginIsDroppedFromThePool) {
  start();
  OriginServer origin([](Exchange& ex) {
    OriginServer::echo()(ex);
    ex.close_after();
  });
  TestClient client(port());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(client.send(get(origin, "/" + std::to_string(i))));
    HttpResponse r = client.read_response();
    ASSERT_TRUE(r.complete) << r.error;
    EXPECT_EQ(r.status(), 200);
    ASSERT_TRUE(origin.wait_for_peer_closes(i + 1));
  }
  EXPECT_EQ(origin.connection_count(), 3u);
  for (const auto& flow : flows(3)) EXPECT_EQ(flow.error, "");
}

TEST_F(KeepAliveTest, UnsolicitedBytesAfterAResponseAreDroppedWithTheConnection) {
  start();
  OriginServer origin([](Exchange& ex) {
    ex.body();
    if (ex.connection_index() == 0) {
      // One request, two responses: the second must never reach the client.
      ex.write(
          "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst"
          "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled");
      return;
    }
    ex.respond(200, "fresh");
  });
  TestClient client(port());
  ASSERT_TRUE(client.send(get(origin, "/one")));
  HttpResponse r1 = client.read_response();
  ASSERT_TRUE(r1.complete) << r1.error;
  EXPECT_EQ(r1.body, "first");
  ASSERT_TRUE(client.send(get(origin, "/two")));
  HttpResponse r2 = client.read_response();
  ASSERT_TRUE(r2.complete) << r2.error;
  EXPECT_EQ(r2.body, "fresh");
  EXPECT_EQ(origin.connection_count(), 2u);
  for (const auto& flow : flows(2)) EXPECT_EQ(flow.error, "");
}

TEST_F(KeepAliveTest, IdlePooledConnectionThatSpeaksIsDropped) {
  start();
  OriginServer origin([](Exchange& ex) {
    ex.body();
    ex.respond(200, "conn " + std::to_string(ex.connection_index()));
    if (ex.connection_index() == 0) ex.write("unasked-for bytes while idle");
  });
  HttpResponse r1 = exchange(get(origin, "/"));
  ASSERT_TRUE(r1.complete) << r1.error;
  EXPECT_EQ(r1.body, "conn 0");
  // The pool closes a connection that sends anything while idle.
  ASSERT_TRUE(origin.wait_for_peer_closes(1));
  HttpResponse r2 = exchange(get(origin, "/"));
  ASSERT_TRUE(r2.complete) << r2.error;
  EXPECT_EQ(r2.body, "conn 1");
}

TEST_F(KeepAliveTest, PipelinedHeadAndGetStayInStep) {
  start();
  OriginServer origin(OriginServer::head_aware("body-bytes"));
  TestClient client(port());
  ASSERT_TRUE(client.send("HEAD " + origin.url("/h") + " HTTP/1.1\r\nHost: " + origin.authority() +
                          "\r\n\r\n" + get(origin, "/g")));
  HttpResponse head = client.read_head_response();
  ASSERT_TRUE(head.complete) << head.error;
  EXPECT_EQ(head.header("Content-Length"), "10");
  EXPECT_EQ(head.body, "");
  HttpResponse r = client.read_response();
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.body, "body-bytes");
}

TEST_F(KeepAliveTest, Http10ClientWithKeepAliveStaysOpen) {
  start();
  OriginServer origin(OriginServer::fixed(200, "ten"));
  TestClient client(port());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(
        client.send("GET " + origin.url("/") + " HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    HttpResponse r = client.read_response();
    ASSERT_TRUE(r.complete) << r.error;
    EXPECT_EQ(r.body, "ten");
    EXPECT_EQ(r.header("Connection"), "keep-alive");
  }
  HttpResponse last;
  ASSERT_TRUE(client.send("GET " + origin.url("/") + " HTTP/1.0\r\n\r\n"));
  last = client.read_response();
  ASSERT_TRUE(last.complete) << last.error;
  EXPECT_EQ(last.header("Connection"), "close");
  EXPECT_TRUE(client.wait_closed());
}

TEST_F(KeepAliveTest, TwoWorkerThreadsServeConcurrentClients) {
  proxy::Config config = testsupport::test_config();
  config.threads = 2;
  start(config);
  OriginServer origin(OriginServer::echo());
  constexpr int kClients = 8;
  constexpr int kRequests = 5;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      TestClient client(port());
      if (!client.connected()) return;
      for (int i = 0; i < kRequests; ++i) {
        const std::string body = "client " + std::to_string(c) + " request " + std::to_string(i);
        client.send("POST " + origin.url("/") + " HTTP/1.1\r\nHost: " + origin.authority() +
                    "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
        HttpResponse r = client.read_response();
        if (r.complete && r.status() == 200 && r.body == body) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kClients * kRequests);
  auto f = flows(kClients * kRequests);
  ASSERT_EQ(f.size(), static_cast<std::size_t>(kClients * kRequests));
  for (const auto& flow : f) EXPECT_EQ(flow.error, "");
  EXPECT_EQ(origin.requests().size(), static_cast<std::size_t>(kClients * kRequests));
}

}  // namespace
}  // namespace flowscope::integration
