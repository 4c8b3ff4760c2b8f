// Graceful shutdown: stop accepting, close idle connections, let exchanges in
// flight finish, flush the sink, and only then return.
#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "tests/integration/proxy_fixture.hpp"

namespace flowscope::integration {
namespace {

class ShutdownTest : public ProxyTest {};

TEST_F(ShutdownTest, InFlightRequestCompletesAfterShutdownIsCalled) {
  start();
  Gate release;
  OriginServer origin([release](Exchange& ex) {
    ex.body();
    if (ex.head().target == "/slow") ex.wait(release);
    ex.respond(200, "finished " + ex.head().target);
  });

  // An idle keep-alive client: the proxy closes it when draining starts, which is
  // how the test knows shutdown() has taken effect.
  TestClient idle(port());
  ASSERT_TRUE(idle.send(get(origin, "/warmup")));
  HttpResponse warm = idle.read_response();
  ASSERT_TRUE(warm.complete) << warm.error;

  TestClient busy(port());
  ASSERT_TRUE(busy.send(get(origin, "/slow")));
  ASSERT_TRUE(origin.wait_for_requests(2));

  std::thread stopper([&] { server().shutdown(); });
  EXPECT_TRUE(idle.wait_closed());
  idle.close();

  release.open();
  HttpResponse r = busy.read_response();
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 200);
  EXPECT_EQ(r.body, "finished /slow");
  EXPECT_EQ(r.header("Connection"), "close");  // no further requests while draining
  EXPECT_TRUE(r.closed || busy.wait_closed());
  busy.close();
  stopper.join();

  // shutdown() returned: every flow is in the sink, and the sink was flushed once.
  auto f = sink().flows();
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].request.url, origin.url("/warmup"));
  EXPECT_EQ(f[1].request.url, origin.url("/slow"));
  for (const auto& flow : f) EXPECT_EQ(flow.error, "");
  EXPECT_EQ(f[1].response->body.data, "finished /slow");
  EXPECT_EQ(sink().flush_count(), 1);

  TestClient late(port());
  EXPECT_FALSE(late.connected()) << "the listener should be closed";
}

TEST_F(ShutdownTest, InFlightTunnelIsNotCutBeforeItEnds) {
  start();
  Gate release;
  OriginServer origin(OriginServer::Raw{[release](RawConnection& c) {
    std::string first = c.read_exact(4);
    c.wait(release);
    c.write(first + " after shutdown");
  }});
  TestClient client(port());
  ASSERT_TRUE(client.send("CONNECT " + origin.authority() +
                          " HTTP/1.1\r\nHost: " + origin.authority() + "\r\n\r\ndata"));
  ASSERT_EQ(client.read_connect_response().status(), 200);
  ASSERT_TRUE(origin.wait_for_connections(1));

  TestClient idle(port());
  ASSERT_TRUE(idle.connected());
  // Make sure the idle connection has been accepted: a complete exchange on it.
  OriginServer other(OriginServer::fixed(200, "x"));
  ASSERT_TRUE(idle.send(get(other, "/")));
  ASSERT_TRUE(idle.read_response().complete);

  std::thread stopper([&] { server().shutdown(); });
  EXPECT_TRUE(idle.wait_closed());
  idle.close();
  release.open();
  EXPECT_EQ(client.read_until_eof(), "data after shutdown");
  client.shutdown_write();
  client.close();
  stopper.join();
  auto f = sink().flows();
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[1].scheme, "tunnel");
  EXPECT_EQ(f[1].error, "");
}

TEST_F(ShutdownTest, IdleProxyShutsDownAndRefusesNewConnections) {
  start();
  OriginServer origin(OriginServer::fixed(200, "ok"));
  ASSERT_TRUE(exchange(get(origin, "/")).complete);
  ASSERT_EQ(flows(1).size(), 1u);
  server().shutdown();
  server().shutdown();  // idempotent
  server().wait();      // returns at once after shutdown
  EXPECT_EQ(sink().flush_count(), 1);
  TestClient late(port());
  EXPECT_FALSE(late.connected());
}

TEST_F(ShutdownTest, WaitReturnsWhenAnotherThreadShutsDown) {
  start();
  std::thread waiter([&] { server().wait(); });
  std::thread stopper([&] { server().shutdown(); });
  stopper.join();
  waiter.join();
  EXPECT_EQ(sink().flush_count(), 1);
}

// When the grace period ends with an exchange still in flight, the connection is
// cut; the exchange failed, so it should still be recorded, with an error.
TEST_F(ShutdownTest, ExchangeCutByTheGracePeriodIsRecordedWithAnError) {
  proxy::Config config = testsupport::test_config();
  config.shutdown_grace_ms = 200;
  start(config);
  OriginServer origin(OriginServer::never_answer());
  TestClient client(port());
  ASSERT_TRUE(client.send(get(origin, "/never")));
  ASSERT_TRUE(origin.wait_for_requests(1));
  server().shutdown();  // returns once the grace period has cut the exchange
  HttpResponse r = client.read_response();
  EXPECT_FALSE(r.complete);
  EXPECT_TRUE(r.closed);
  auto f = sink().flows();
  ASSERT_EQ(f.size(), 1u) << "the cut exchange left no flow";
  EXPECT_NE(f[0].error, "");
}

}  // namespace
}  // namespace flowscope::integration
