// Playbooks: the exact ordered commands proxy::Session returns for whole scenarios,
// in the manner of mitmproxy's Playbook tests. A change in order or in what is sent
// shows up here as a diff of readable lines.
#include <gtest/gtest.h>

#include "session_harness.hpp"

namespace flowscope::proxy::testing {
namespace {

using Lines = std::vector<std::string>;

const std::string kGet = "GET http://origin.test/a HTTP/1.1\r\nHost: origin.test\r\n\r\n";
const std::string kOk = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

TEST(SessionPlaybook, PlainGet) {
  SessionHarness h;
  EXPECT_EQ(h.take_playbook(), Lines{"timer+ idle 300000"});
  h.client(kGet);
  EXPECT_EQ(h.take_playbook(), (Lines{"timer- idle", "timer+ header 30000", "timer- header",
                                      "open 1 origin.test:80 pooled"}));
  h.connected();
  EXPECT_EQ(h.take_playbook(),
            (Lines{"send 1 GET /a HTTP/1.1\r\nHost: origin.test\r\n\r\n", "timer+ response 60000"}));
  h.upstream(kOk);
  EXPECT_EQ(h.take_playbook(), (Lines{"timer- response", "send 0 HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n",
                                      "send 0 ok", "close 1 reusable", "flow 7-1 GET http://origin.test/a 200",
                                      "timer+ idle 300000"}));
}

TEST(SessionPlaybook, PipelinedPairIsAnsweredInOrder) {
  SessionHarness h;
  h.take_playbook();
  h.client(kGet + "GET http://origin.test/b HTTP/1.1\r\nHost: origin.test\r\n\r\n");
  h.connected();
  // The second request waits, unparsed, until the first response is out.
  EXPECT_EQ(h.take_playbook(), (Lines{"timer- idle", "timer+ header 30000", "timer- header",
                                      "open 1 origin.test:80 pooled",
                                      "send 1 GET /a HTTP/1.1\r\nHost: origin.test\r\n\r\n", "timer+ response 60000"}));
  h.upstream(kOk);
  EXPECT_EQ(h.take_playbook(), (Lines{"timer- response", "send 0 HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n",
                                      "send 0 ok", "close 1 reusable", "flow 7-1 GET http://origin.test/a 200",
                                      "timer+ idle 300000", "timer- idle", "timer+ header 30000", "timer- header",
                                      "open 2 origin.test:80 pooled"}));
  h.connected(/*reused=*/true);
  h.upstream(kOk);
  const Lines second = h.take_playbook();
  ASSERT_GE(second.size(), 2u);
  EXPECT_EQ(second.front(), "send 2 GET /b HTTP/1.1\r\nHost: origin.test\r\n\r\n");
  EXPECT_EQ(second[second.size() - 2], "flow 7-2 GET http://origin.test/b 200");
}

TEST(SessionPlaybook, StalePooledConnectionIsRetriedOnce) {
  SessionHarness h;
  h.client(kGet);
  h.connected(/*reused=*/true);
  h.take_playbook();
  // The origin had closed the pooled connection: EOF before any response byte.
  h.upstream_eof();
  EXPECT_EQ(h.take_playbook(), (Lines{"close 1", "timer- response", "open 2 origin.test:80"}));
  h.connected();
  EXPECT_EQ(h.take_playbook(),
            (Lines{"send 2 GET /a HTTP/1.1\r\nHost: origin.test\r\n\r\n", "timer+ response 60000"}));
  h.upstream(kOk);
  EXPECT_EQ(h.take_client_bytes(), kOk);
  ASSERT_EQ(h.flows().size(), 1u);
  EXPECT_EQ(h.flows()[0].error, "");
}

TEST(SessionPlaybook, EventsFromAReleasedConnectionAreIgnored) {
  SessionHarness h;
  h.client(kGet);
  h.connected();
  h.upstream(kOk);
  h.take_playbook();
  // Connection 1 went back to the pool; a late read or EOF from it is not ours.
  h.feed(DataReceived{1, "HTTP/1.1 500 Late\r\n\r\n"});
  h.feed(EofReceived{1});
  EXPECT_EQ(h.take_playbook(), Lines{});
  EXPECT_FALSE(h.closed());
}

TEST(SessionPlaybook, ConnectTunnelRelaysAndHalfCloses) {
  SessionHarness h;
  h.take_playbook();
  h.client("CONNECT origin.test:443 HTTP/1.1\r\nHost: origin.test:443\r\n\r\n");
  EXPECT_EQ(h.take_playbook(), (Lines{"timer- idle", "timer+ header 30000", "timer- header",
                                      "open 1 origin.test:443"}));
  h.connected();
  EXPECT_EQ(h.take_playbook(), (Lines{"send 0 HTTP/1.1 200 Connection Established\r\n\r\n", "timer- response"}));
  h.client("ping");
  h.upstream("pong");
  h.client_eof();
  h.upstream_eof();
  EXPECT_EQ(h.take_playbook(), (Lines{"send 1 ping", "send 0 pong", "shutdown 1", "shutdown 0",
                                      "flow 7-1 CONNECT origin.test:443", "close 1", "close 0"}));
}

}  // namespace
}  // namespace flowscope::proxy::testing
