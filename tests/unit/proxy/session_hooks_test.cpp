// Hook answers (continue, modified, answer locally, kill) and live flow events,
// through proxy::Session.
#include <gtest/gtest.h>

#include <functional>

#include "scripted_hook.hpp"
#include "session_harness.hpp"

namespace flowscope::proxy::testing {
namespace {

const std::string kGet = "GET http://origin.test/a HTTP/1.1\r\nHost: origin.test\r\n\r\n";
const std::string kOk = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";


SessionHarness with_hook(Hook& hook, bool live = false) {
  return SessionHarness(Config{}, nullptr, nullptr, "127.0.0.1:50000", &hook, live);
}

TEST(SessionHooks, EveryPointIsAskedInOrder) {
  ScriptedHook hook([](HookPoint, flow::Flow&) { return HookAnswer::proceed(); });
  SessionHarness h = with_hook(hook);
  h.client(kGet);
  h.connected();
  h.upstream(kOk);
  EXPECT_EQ(hook.points, (std::vector<HookPoint>{HookPoint::kRequestHead, HookPoint::kRequestEnd,
                                                 HookPoint::kResponseHead, HookPoint::kResponseEnd}));
  EXPECT_EQ(h.take_client_bytes(), kOk);
}

TEST(SessionHooks, ModifiedRequestAndResponseAreWhatIsSent) {
  ScriptedHook hook([](HookPoint point, flow::Flow& flow) {
    if (point == HookPoint::kRequestHead) {
      flow.request.url = "http://other.test:8080/b?c=1";
      flow.request.method = "POST";
      flow.request.headers.add("X-Added", "yes");
      return HookAnswer::modified();
    }
    if (point == HookPoint::kResponseHead) {
      flow.response->status = 203;
      flow.response->reason = "Rewritten";
      flow.response->headers.add("X-Seen", "1");
      return HookAnswer::modified();
    }
    return HookAnswer::proceed();
  });
  SessionHarness h = with_hook(hook);
  h.client(kGet);
  ASSERT_EQ(h.count<OpenConnection>(), 1u);
  EXPECT_EQ(h.all<OpenConnection>()[0].host, "other.test");
  EXPECT_EQ(h.all<OpenConnection>()[0].port, 8080);
  h.connected();
  EXPECT_EQ(h.take_upstream_bytes(), "POST /b?c=1 HTTP/1.1\r\nHost: other.test:8080\r\nX-Added: yes\r\n\r\n");
  h.upstream(kOk);
  EXPECT_EQ(h.take_client_bytes(), "HTTP/1.1 203 Rewritten\r\nX-Seen: 1\r\nContent-Length: 2\r\n\r\nok");
  ASSERT_EQ(h.flows().size(), 1u);
  EXPECT_EQ(h.flows()[0].request.url, "http://other.test:8080/b?c=1");
  EXPECT_EQ(h.flows()[0].response->status, 203);
}

TEST(SessionHooks, AnswerLocallyNeverReachesTheOriginAndKeepsTheConnection) {
  ScriptedHook hook([](HookPoint point, flow::Flow& flow) {
    if (point == HookPoint::kRequestHead && flow.request.url == "http://origin.test/a") {
      LocalResponse mock;
      mock.headers.add("Content-Type", "text/plain");
      mock.body = "mocked";
      return HookAnswer::answer(std::move(mock));
    }
    return HookAnswer::proceed();
  });
  SessionHarness h = with_hook(hook);
  h.client("POST http://origin.test/a HTTP/1.1\r\nHost: origin.test\r\nContent-Length: 3\r\n\r\nabc");
  EXPECT_EQ(h.count<OpenConnection>(), 0u);
  EXPECT_EQ(h.take_client_bytes(), "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nmocked");
  ASSERT_EQ(h.flows().size(), 1u);
  EXPECT_EQ(h.flows()[0].request.body.data, "abc");
  EXPECT_EQ(h.flows()[0].response->body.data, "mocked");
  EXPECT_FALSE(h.closed());
  // The next request on the same connection goes upstream as usual.
  h.client("GET http://origin.test/other HTTP/1.1\r\nHost: origin.test\r\n\r\n");
  EXPECT_EQ(h.count<OpenConnection>(), 1u);
}

TEST(SessionHooks, AnswerAtResponseHeadReplacesTheOriginsAnswer) {
  ScriptedHook hook([](HookPoint point, flow::Flow&) {
    if (point != HookPoint::kResponseHead) return HookAnswer::proceed();
    LocalResponse mock;
    mock.status = 404;
    mock.body = "gone";
    return HookAnswer::answer(std::move(mock));
  });
  SessionHarness h = with_hook(hook);
  h.client(kGet);
  h.connected();
  h.upstream("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234");
  EXPECT_EQ(h.take_client_bytes(), "HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\ngone");
  ASSERT_EQ(h.releases().size(), 1u);
  EXPECT_FALSE(h.releases()[0].reusable) << "the origin's unread body makes its connection useless";
  ASSERT_EQ(h.flows().size(), 1u);
  EXPECT_EQ(h.flows()[0].response->status, 404);
}

TEST(SessionHooks, KillAtRequestHeadClosesWithoutForwarding) {
  ScriptedHook hook([](HookPoint, flow::Flow&) { return HookAnswer::kill("blocked by a test"); });
  SessionHarness h = with_hook(hook);
  h.client(kGet);
  EXPECT_EQ(h.count<OpenConnection>(), 0u);
  EXPECT_TRUE(h.closed());
  EXPECT_EQ(h.take_client_bytes(), "");
  ASSERT_EQ(h.flows().size(), 1u);
  EXPECT_EQ(h.flows()[0].error, "killed by a hook: blocked by a test");
}

TEST(SessionHooks, KillAtResponseHeadSendsNothingToTheClient) {
  ScriptedHook hook([](HookPoint point, flow::Flow&) {
    return point == HookPoint::kResponseHead ? HookAnswer::kill("no") : HookAnswer::proceed();
  });
  SessionHarness h = with_hook(hook);
  h.client(kGet);
  h.connected();
  h.upstream(kOk);
  EXPECT_EQ(h.take_client_bytes(), "");
  EXPECT_TRUE(h.closed());
  ASSERT_EQ(h.flows().size(), 1u);
  EXPECT_EQ(h.flows()[0].error, "killed by a hook: no");
}

TEST(SessionLiveEvents, ASlowResponseIsSeenAsItHappens) {
  ScriptedHook hook([](HookPoint, flow::Flow&) { return HookAnswer::proceed(); });
  SessionHarness h = with_hook(hook, /*live=*/true);
  auto live_lines = [&] {
    std::vector<std::string> out;
    for (auto& line : h.take_playbook())
      if (line.starts_with("live ") || line.starts_with("flow ")) out.push_back(line);
    return out;
  };
  h.client("POST http://origin.test/a HTTP/1.1\r\nHost: origin.test\r\nContent-Length: 4\r\n\r\nab");
  EXPECT_EQ(live_lines(), std::vector<std::string>{"live started 7-1"}) << "in flight, visible before it ends";
  h.client("cd");
  EXPECT_EQ(live_lines(), std::vector<std::string>{"live request end 7-1"});
  h.connected();
  h.upstream("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nab");
  EXPECT_EQ(live_lines(), (std::vector<std::string>{"live response head 7-1", "live progress 7-1"}));
  h.upstream("cd");
  h.upstream("ef");
  EXPECT_EQ(live_lines(), (std::vector<std::string>{"live progress 7-1", "live progress 7-1",
                                                    "flow 7-1 POST http://origin.test/a 200"}));
  auto events = h.all<LiveFlow>();
  ASSERT_EQ(events.size(), 6u);
  EXPECT_EQ(events[0].event.flow.request.method, "POST");
  EXPECT_EQ(events[0].event.flow.request.url, "http://origin.test/a");
  EXPECT_EQ(events[1].event.flow.request.body.size, 4u);
  EXPECT_EQ(events[2].event.flow.response->status, 200);
  EXPECT_EQ(events[2].event.flow.response->body.data, "") << "live heads carry no body bytes";
  EXPECT_EQ(events[5].event.flow.response->body.size, 6u);
}

TEST(SessionLiveEvents, NoneWhenNoSinkAsked) {
  SessionHarness h;
  h.client(kGet);
  h.connected();
  h.upstream(kOk);
  EXPECT_EQ(h.count<LiveFlow>(), 0u);
  EXPECT_EQ(h.count<RecordFlow>(), 1u);
}

TEST(SessionHooks, AnswerAtResponseHeadBeforeTheRequestEndedClosesTheConnection) {
  ScriptedHook hook([](HookPoint point, flow::Flow&) {
    if (point != HookPoint::kResponseHead) return HookAnswer::proceed();
    LocalResponse mock;
    mock.status = 403;
    return HookAnswer::answer(std::move(mock));
  });
  SessionHarness h = with_hook(hook);
  h.client("POST http://origin.test/up HTTP/1.1\r\nHost: origin.test\r\nContent-Length: 10\r\n\r\n01234");
  h.connected();
  h.upstream("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(h.take_client_bytes(), "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(h.closed()) << "the rest of the body belongs to no request";
  h.client("56789");  // late body bytes: nothing to do with them, and no crash
  EXPECT_EQ(h.flows().size(), 1u);
}

TEST(SessionHooks, LocalAnswerToHeadHasNoBody) {
  ScriptedHook hook([](HookPoint point, flow::Flow&) {
    if (point != HookPoint::kRequestHead) return HookAnswer::proceed();
    LocalResponse mock;
    mock.body = "not for HEAD";
    return HookAnswer::answer(std::move(mock));
  });
  SessionHarness h = with_hook(hook);
  h.client("HEAD http://origin.test/ HTTP/1.1\r\nHost: origin.test\r\n\r\n");
  EXPECT_EQ(h.take_client_bytes(), "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n");
  EXPECT_FALSE(h.closed());
}

TEST(SessionHooks, LocalAnswerToAnUpgradeLetsTheNextRequestThrough) {
  ScriptedHook hook([](HookPoint point, flow::Flow& flow) {
    if (point != HookPoint::kRequestHead || flow.request.url != "http://origin.test/ws") return HookAnswer::proceed();
    LocalResponse mock;
    mock.status = 404;
    return HookAnswer::answer(std::move(mock));
  });
  SessionHarness h = with_hook(hook);
  h.client("GET http://origin.test/ws HTTP/1.1\r\nHost: origin.test\r\nConnection: Upgrade\r\n"
           "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
           "GET http://origin.test/next HTTP/1.1\r\nHost: origin.test\r\n\r\n");
  EXPECT_EQ(h.take_client_bytes(), "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
  ASSERT_EQ(h.count<OpenConnection>(), 1u) << "the pipelined request after the declined upgrade goes upstream";
  h.connected();
  EXPECT_EQ(h.take_upstream_bytes(), "GET /next HTTP/1.1\r\nHost: origin.test\r\n\r\n");
}

TEST(SessionHooks, ModifiedUrlMustStayHttpOnThePlainPath) {
  ScriptedHook hook([](HookPoint point, flow::Flow& flow) {
    if (point != HookPoint::kRequestHead) return HookAnswer::proceed();
    flow.request.url = "https://origin.test/";
    return HookAnswer::modified();
  });
  SessionHarness h = with_hook(hook);
  h.client(kGet);
  EXPECT_EQ(h.count<OpenConnection>(), 0u);
  EXPECT_TRUE(h.take_client_bytes().starts_with("HTTP/1.1 502 "));
}

TEST(SessionLiveEvents, ABlindTunnelIsSeenWhileItRelays) {
  SessionHarness h(Config{}, nullptr, nullptr, "127.0.0.1:50000", nullptr, /*live=*/true);
  h.client("CONNECT origin.test:443 HTTP/1.1\r\n\r\n");
  EXPECT_EQ(h.count<LiveFlow>(), 0u);
  h.connected();
  ASSERT_EQ(h.count<LiveFlow>(), 1u);
  EXPECT_EQ(h.all<LiveFlow>()[0].event.flow.request.method, "CONNECT");
}

}  // namespace
}  // namespace flowscope::proxy::testing
