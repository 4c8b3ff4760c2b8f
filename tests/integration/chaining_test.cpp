// --upstream-proxy: a second proxy forwards through the first (plain HTTP in
// absolute-form, CONNECT as CONNECT), with and without credentials; and what
// exactly goes to the next proxy, seen by a scripted stand-in.
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/proxy_fixture.hpp"

namespace flowscope::integration {
namespace {

constexpr const char* kEstablished = "HTTP/1.1 200 Connection Established\r\n\r\n";

class ChainingTest : public ProxyTest {
 protected:
  // The first proxy (the one closest to the origin) is proxies_[0]; this starts
  // the second, whose upstream is the first, and returns it.
  testsupport::RunningProxy& start_chain(const std::string& first_auth = "",
                                         const std::string& credentials = "") {
    proxy::Config first = testsupport::test_config();
    if (!first_auth.empty()) first.proxy_auth = first_auth;
    start(first);
    proxy::Config second = testsupport::test_config();
    second.upstream_proxy = proxy::UpstreamProxy{"127.0.0.1", port(), credentials};
    return start(second);
  }
};

TEST_F(ChainingTest, PlainHttpGoesThroughBothProxies) {
  auto& second = start_chain();
  OriginServer origin(OriginServer::echo());
  TestClient client(second.port());
  ASSERT_TRUE(client.send(get(origin, "/chain?x=1", "Proxy-Connection: keep-alive\r\n")));
  HttpResponse r = client.read_response();
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 200);
  EXPECT_EQ(r.header("X-Target"), "/chain?x=1");
  auto received = origin.requests();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].raw, "GET /chain?x=1 HTTP/1.1\r\nHost: " + origin.authority() + "\r\n\r\n");

  // A second request on the same client connection reuses both hops.
  ASSERT_TRUE(client.send(get(origin, "/again")));
  HttpResponse r2 = client.read_response();
  ASSERT_TRUE(r2.complete) << r2.error;
  EXPECT_EQ(r2.header("X-Target"), "/again");
  EXPECT_EQ(origin.connection_count(), 1u);

  auto first_flows = sink().wait_for_flows(2);
  auto second_flows = second.sink->wait_for_flows(2);
  ASSERT_EQ(first_flows.size(), 2u);
  ASSERT_EQ(second_flows.size(), 2u);
  for (const auto& f : first_flows) EXPECT_EQ(f.error, "");
  for (const auto& f : second_flows) EXPECT_EQ(f.error, "");
  EXPECT_EQ(first_flows[0].request.url, origin.url("/chain?x=1"));
  EXPECT_EQ(second_flows[0].request.url, origin.url("/chain?x=1"));
  EXPECT_EQ(second_flows[0].server_address, "127.0.0.1:" + std::to_string(port()));
  EXPECT_EQ(first_flows[0].server_address, origin.authority());
}

TEST_F(ChainingTest, ConnectGoesThroughBothProxies) {
  auto& second = start_chain();
  OriginServer origin(OriginServer::Raw{[](RawConnection& c) {
    std::string all = c.read_until_eof();
    c.write("echo:" + all);
  }});
  TestClient client(second.port());
  ASSERT_TRUE(client.send("CONNECT " + origin.authority() +
                          " HTTP/1.1\r\nHost: " + origin.authority() + "\r\n\r\nearly"));
  HttpResponse established = client.read_connect_response();
  ASSERT_TRUE(established.complete) << established.error;
  EXPECT_EQ(established.raw, kEstablished);  // exactly one 200, not the first proxy's too
  ASSERT_TRUE(client.send(" and late"));
  client.shutdown_write();
  EXPECT_EQ(client.read_until_eof(), "echo:early and late");

  auto connections = origin.connections();
  ASSERT_EQ(connections.size(), 1u);
  EXPECT_EQ(connections[0].raw, "early and late");

  auto first_flows = sink().wait_for_flows(1);
  auto second_flows = second.sink->wait_for_flows(1);
  ASSERT_EQ(first_flows.size(), 1u);
  ASSERT_EQ(second_flows.size(), 1u);
  for (const auto* f : {&first_flows[0], &second_flows[0]}) {
    EXPECT_EQ(f->error, "");
    EXPECT_EQ(f->scheme, "tunnel");
    ASSERT_TRUE(f->tunnel.has_value());
    EXPECT_EQ(f->tunnel->host, "127.0.0.1");
    EXPECT_EQ(f->tunnel->port, origin.port());
    EXPECT_EQ(f->tunnel->bytes_from_client, 14u);
    EXPECT_EQ(f->tunnel->bytes_from_server, 19u);
  }
}

TEST_F(ChainingTest, CredentialsForTheNextProxyAreSent) {
  auto& second = start_chain("bob:pw", "bob:pw");
  OriginServer origin(OriginServer::echo());
  HttpResponse r;
  {
    TestClient client(second.port());
    ASSERT_TRUE(client.send(get(origin, "/auth")));
    r = client.read_response();
  }
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 200);
  auto received = origin.requests();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].head.headers.find("Proxy-Authorization"), nullptr);

  OriginServer tunnel_origin(OriginServer::Raw{[](RawConnection& c) { c.write(c.read_exact(4)); }});
  TestClient client(second.port());
  ASSERT_TRUE(client.send("CONNECT " + tunnel_origin.authority() +
                          " HTTP/1.1\r\nHost: " + tunnel_origin.authority() + "\r\n\r\nping"));
  HttpResponse established = client.read_connect_response();
  ASSERT_TRUE(established.complete) << established.error;
  EXPECT_EQ(established.status(), 200);
  EXPECT_EQ(client.read_until_eof(), "ping");
  client.shutdown_write();
  for (const auto& f : sink().wait_for_flows(2)) EXPECT_EQ(f.error, "");
}

TEST_F(ChainingTest, MissingCredentialsForTheNextProxy) {
  auto& second = start_chain("bob:pw", "");
  OriginServer origin(OriginServer::echo());
  // Plain HTTP: the first proxy's 407 is an ordinary response for the second.
  HttpResponse r = exchange_via(second, get(origin, "/"));
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 407);

  // CONNECT: the second proxy reports the refusal itself.
  HttpResponse c = exchange_via(second, "CONNECT " + origin.authority() + " HTTP/1.1\r\nHost: " +
                                            origin.authority() + "\r\n\r\n");
  ASSERT_TRUE(c.complete) << c.error;
  EXPECT_EQ(c.status(), 502);
  EXPECT_NE(c.body.find("upstream proxy refused CONNECT: 407"), std::string::npos) << c.body;
  EXPECT_EQ(origin.connection_count(), 0u);
  auto second_flows = second.sink->wait_for_flows(2);
  ASSERT_EQ(second_flows.size(), 2u);
  EXPECT_EQ(second_flows[1].error.rfind("upstream proxy refused CONNECT: 407", 0), 0u)
      << second_flows[1].error;
}

TEST_F(ChainingTest, UnreachableUpstreamProxyIs502) {
  testsupport::RefusingPort closed;
  proxy::Config config = testsupport::test_config();
  config.upstream_proxy = proxy::UpstreamProxy{"127.0.0.1", closed.port(), ""};
  start(config);
  const std::string where = "upstream proxy 127.0.0.1:" + std::to_string(closed.port());
  HttpResponse r = exchange("GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n");
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 502);
  EXPECT_NE(r.body.find("cannot connect to " + where), std::string::npos) << r.body;
  HttpResponse c = exchange("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
  ASSERT_TRUE(c.complete) << c.error;
  EXPECT_EQ(c.status(), 502);
  EXPECT_NE(c.body.find("cannot connect to " + where), std::string::npos) << c.body;
  auto f = flows(2);
  ASSERT_EQ(f.size(), 2u);
  for (const auto& flow : f) EXPECT_NE(flow.error.find(where), std::string::npos) << flow.error;
}

// A scripted stand-in for the next proxy shows the exact bytes sent to it.
class NextProxyBytesTest : public ProxyTest {
 protected:
  static OriginServer::RawHandler fake_proxy(Gate gate) {
    return [gate](RawConnection& c) {
      std::string head = c.read_until("\r\n\r\n");
      if (head.rfind("CONNECT ", 0) == 0) {
        c.wait(gate);
        c.write("HTTP/1.1 200 OK\r\nX-Next-Proxy: yes\r\n\r\n");
        std::string payload = c.read_until_eof();
        c.write("got:" + payload);
        return;
      }
      c.write("HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nnext");
    };
  }
};

TEST_F(NextProxyBytesTest, AbsoluteFormWithCredentialsAndNoClientProxyAuthorization) {
  OriginServer next(OriginServer::Raw{fake_proxy(Gate())});
  proxy::Config config = testsupport::test_config();
  config.proxy_auth = "client:pw";
  config.upstream_proxy = proxy::UpstreamProxy{"127.0.0.1", next.port(), "bob:pw"};
  start(config);
  HttpResponse r = exchange(
      "GET http://origin.example:8080/p?q HTTP/1.1\r\nHost: origin.example:8080\r\n"
      "Proxy-Authorization: " +
      testsupport::basic_credentials("client:pw") +
      "\r\n"
      "X-A: 1\r\n\r\n");
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 200);
  EXPECT_EQ(r.body, "next");
  ASSERT_TRUE(next.wait_for_connections(1));
  auto connections = next.connections();
  ASSERT_EQ(connections.size(), 1u);
  EXPECT_EQ(connections[0].raw,
            "GET http://origin.example:8080/p?q HTTP/1.1\r\n"
            "Host: origin.example:8080\r\n"
            "X-A: 1\r\n"
            "Proxy-Authorization: " +
                testsupport::basic_credentials("bob:pw") +
                "\r\n"
                "\r\n");
  EXPECT_EQ(flows(1).at(0).error, "");
}

TEST_F(NextProxyBytesTest, ConnectRequestAndItsAnswer) {
  Gate gate;
  gate.open();
  OriginServer next(OriginServer::Raw{fake_proxy(gate)});
  proxy::Config config = testsupport::test_config();
  config.upstream_proxy = proxy::UpstreamProxy{"127.0.0.1", next.port(), "bob:pw"};
  start(config);
  TestClient client(port());
  ASSERT_TRUE(
      client.send("CONNECT secure.example:443 HTTP/1.1\r\nHost: secure.example:443\r\n"
                  "User-Agent: x\r\n\r\nhello"));
  HttpResponse established = client.read_connect_response();
  ASSERT_TRUE(established.complete) << established.error;
  // Our own 200 goes to the client, not the next proxy's head.
  EXPECT_EQ(established.raw, kEstablished);
  client.shutdown_write();
  EXPECT_EQ(client.read_until_eof(), "got:hello");
  auto connections = next.connections();
  ASSERT_EQ(connections.size(), 1u);
  EXPECT_EQ(connections[0].raw,
            "CONNECT secure.example:443 HTTP/1.1\r\n"
            "Host: secure.example:443\r\n"
            "Proxy-Authorization: " +
                testsupport::basic_credentials("bob:pw") +
                "\r\n"
                "\r\n"
                "hello");
  auto f = flows(1);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].error, "");
  EXPECT_EQ(f[0].tunnel->bytes_from_client, 5u);
  EXPECT_EQ(f[0].tunnel->bytes_from_server, 9u);
}

// The client sends CONNECT, its first bytes, and a half-close before the tunnel is
// up (printf 'CONNECT ...\r\n\r\nDATA' | nc -N does this). The next proxy's answer
// is held behind a gate so the half-close is certainly seen first. The proxy's own
// tunnel code delivers what a half-closed side sent (Session::enter_tunnel handles
// client_eof_), so the tunnel should still carry "hello" and bring back the reply.
TEST_F(NextProxyBytesTest, HalfCloseBeforeTheTunnelIsUpStillTunnels) {
  Gate gate;
  OriginServer next(OriginServer::Raw{fake_proxy(gate)});
  proxy::Config config = testsupport::test_config();
  config.upstream_proxy = proxy::UpstreamProxy{"127.0.0.1", next.port(), ""};
  start(config);
  TestClient client(port());
  ASSERT_TRUE(
      client.send("CONNECT secure.example:443 HTTP/1.1\r\nHost: secure.example:443\r\n\r\nhello"));
  client.shutdown_write();
  ASSERT_TRUE(next.wait_for_connections(1));
  // Barrier: a whole exchange through the same single-threaded loop. The FIN was
  // queued before this request was even sent, so the loop has read it by the time
  // this answer comes back.
  HttpResponse barrier =
      exchange("GET http://barrier.example/ HTTP/1.1\r\nHost: barrier.example\r\n\r\n");
  ASSERT_TRUE(barrier.complete) << barrier.error;
  EXPECT_EQ(barrier.body, "next");
  gate.open();
  EXPECT_EQ(client.read_until_eof(), std::string(kEstablished) + "got:hello");
  auto f = flows(2);
  ASSERT_EQ(f.size(), 2u);
  for (const auto& flow : f) {
    if (flow.scheme == "tunnel") {
      EXPECT_EQ(flow.error, "");
    }
  }
}

}  // namespace
}  // namespace flowscope::integration
