// Hook answers that wait, through proxy::Session: hold (a message read whole before
// any of it is sent on, so its end hook may change all of it) and pause (a breakpoint
// answered later through a PausedExchange, or by its timer).
#include <gtest/gtest.h>

#include <functional>
#include <map>

#include "scripted_hook.hpp"
#include "session_harness.hpp"

namespace flowscope::proxy::testing {
namespace {

const std::string kPost =
    "POST http://origin.test/a HTTP/1.1\r\nHost: origin.test\r\nContent-Length: 5\r\n\r\nhello";
const std::string kChunkedPost =
    "POST http://origin.test/a HTTP/1.1\r\nHost: origin.test\r\nTransfer-Encoding: chunked\r\n\r\n"
    "3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n";
const std::string kOk = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";


// The driver's side: hands out handles; the test answers by feeding HookResumed.
class FakePauses : public PauseChannel {
 public:
  class Handle : public PausedExchange {
   public:
    void resume(HookAnswer, std::optional<flow::Flow>) override {}
  };
  std::shared_ptr<PausedExchange> pause_handle(std::uint64_t pause_id) override {
    ids.push_back(pause_id);
    return std::make_shared<Handle>();
  }
  std::vector<std::uint64_t> ids;
};

// A hook that pauses at `at` and lets every other point go on.
HookAnswer pause_or_go(HookPoint point, HookPoint at, std::shared_ptr<PausedExchange>* taken = nullptr) {
  if (point != at) return HookAnswer::proceed();
  return HookAnswer::pause([taken](std::shared_ptr<PausedExchange> handle) {
    if (taken != nullptr) *taken = std::move(handle);
  });
}

SessionHarness harness(Hook& hook, FakePauses* pauses, Config config = {}) {
  SessionOptions options;
  options.hook = &hook;
  options.pauses = pauses;
  return SessionHarness(std::move(config), nullptr, nullptr, "127.0.0.1:50000", std::move(options));
}

void resume(SessionHarness& h, std::uint64_t id, HookAnswer answer = HookAnswer::proceed(),
            std::optional<flow::Flow> edited = std::nullopt) {
  h.feed(HookResumed{id, std::move(answer), std::move(edited)});
}

// The body of the one response in `bytes`, however it was framed.
std::string response_body(const std::string& bytes) {
  http::Parser parser(http::MessageKind::kResponse);
  http::ParseOutput out = parser.feed(bytes);
  EXPECT_EQ(out.status, http::ParseStatus::kComplete);
  EXPECT_EQ(out.consumed, bytes.size());
  std::string body;
  for (auto piece : out.body) body.append(piece);
  return body;
}

bool has_line(const std::vector<std::string>& playbook, const std::string& line) {
  return std::find(playbook.begin(), playbook.end(), line) != playbook.end();
}

TEST(SessionPause, PausedRequestHeadSendsNothingReadsNothingThenGoesOnWhole) {
  for (const auto& pieces : every_split(kPost)) {
    FakePauses pauses;
    std::shared_ptr<PausedExchange> handle;
    ScriptedHook hook([&](HookPoint point, flow::Flow&) { return pause_or_go(point, HookPoint::kRequestHead, &handle); });
    SessionHarness h = harness(hook, &pauses);
    for (const auto& piece : pieces) h.client(piece);
    ASSERT_EQ(pauses.ids.size(), 1u);
    EXPECT_NE(handle, nullptr) << "the hook got its handle at once";
    EXPECT_EQ(h.count<OpenConnection>(), 0u) << "nothing goes upstream while paused";
    EXPECT_FALSE(h.session().wants_client_reads());
    EXPECT_TRUE(has_line(h.take_playbook(), "timer+ hook 300000"));

    resume(h, pauses.ids[0]);
    EXPECT_TRUE(has_line(h.take_playbook(), "timer- hook"));
    ASSERT_EQ(h.count<OpenConnection>(), 1u);
    h.connected();
    EXPECT_EQ(h.take_upstream_bytes(), "POST /a HTTP/1.1\r\nHost: origin.test\r\nContent-Length: 5\r\n\r\nhello");
    h.upstream(kOk);
    EXPECT_EQ(h.take_client_bytes(), kOk);
    ASSERT_EQ(h.flows().size(), 1u);
    EXPECT_EQ(h.flows()[0].request.body.data, "hello");
    EXPECT_EQ(hook.points, (std::vector<HookPoint>{HookPoint::kRequestHead, HookPoint::kRequestEnd,
                                                   HookPoint::kResponseHead, HookPoint::kResponseEnd}));
  }
}

TEST(SessionPause, ResumedWithAnEditedHeadSendsTheEdit) {
  FakePauses pauses;
  ScriptedHook hook([](HookPoint point, flow::Flow&) { return pause_or_go(point, HookPoint::kRequestHead); });
  SessionHarness h = harness(hook, &pauses);
  h.client(kPost);
  flow::Flow edited;
  edited.request.method = "PUT";
  edited.request.url = "http://other.test:8080/b";
  edited.request.headers.add("Host", "origin.test");
  edited.request.headers.add("Content-Length", "5");
  edited.request.headers.add("X-Edited", "1");
  edited.request.body.data = "ignored: only a held body changes";
  resume(h, pauses.ids.at(0), HookAnswer::modified(), edited);
  ASSERT_EQ(h.count<OpenConnection>(), 1u);
  EXPECT_EQ(h.all<OpenConnection>()[0].host, "other.test");
  h.connected();
  EXPECT_EQ(h.take_upstream_bytes(),
            "PUT /b HTTP/1.1\r\nHost: other.test:8080\r\nX-Edited: 1\r\nContent-Length: 5\r\n\r\nhello");
  h.upstream(kOk);
  ASSERT_EQ(h.flows().size(), 1u);
  EXPECT_EQ(h.flows()[0].request.method, "PUT");
  EXPECT_EQ(h.flows()[0].request.body.data, "hello");
}

TEST(SessionPause, HeldRequestIsChangedWholeAtItsEnd) {
  for (const std::string& request : {kPost, kChunkedPost}) {
    for (const auto& pieces : every_split(request)) {
      ScriptedHook hook([](HookPoint point, flow::Flow& flow) {
        if (point == HookPoint::kRequestHead) return HookAnswer::hold();
        if (point == HookPoint::kRequestEnd) {
          EXPECT_EQ(flow.request.body.data, "hello") << "the end hook sees the whole body";
          flow.request.body.data = "{\"changed\":true}";
          flow.request.headers.add("X-Changed", "1");
          return HookAnswer::modified();
        }
        return HookAnswer::proceed();
      });
      SessionHarness h = harness(hook, nullptr);
      for (std::size_t i = 0; i < pieces.size(); ++i) {
        h.client(pieces[i]);
        if (i + 1 < pieces.size()) {
          EXPECT_EQ(h.count<OpenConnection>(), 0u) << "held: not even the head goes";
        }
      }
      ASSERT_EQ(h.count<OpenConnection>(), 1u);
      h.connected();
      EXPECT_EQ(h.take_upstream_bytes(),
                "POST /a HTTP/1.1\r\nHost: origin.test\r\nX-Changed: 1\r\nContent-Length: 16\r\n\r\n{\"changed\":true}");
      h.upstream(kOk);
      ASSERT_EQ(h.flows().size(), 1u);
      EXPECT_EQ(h.flows()[0].request.body.data, "{\"changed\":true}");
      EXPECT_EQ(h.flows()[0].request.body.size, 16u);
    }
  }
}

TEST(SessionPause, HeldRequestLeftAloneIsForwardedAsItCame) {
  ScriptedHook hook([](HookPoint point, flow::Flow&) {
    return point == HookPoint::kRequestHead ? HookAnswer::hold() : HookAnswer::proceed();
  });
  SessionHarness h = harness(hook, nullptr);
  h.client(kChunkedPost);
  h.connected();
  EXPECT_EQ(h.take_upstream_bytes(),
            "POST /a HTTP/1.1\r\nHost: origin.test\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
}

TEST(SessionPause, HeldRequestAnsweredAtItsEndNeverReachesTheOrigin) {
  ScriptedHook hook([](HookPoint point, flow::Flow& flow) {
    if (point == HookPoint::kRequestHead) return HookAnswer::hold();
    if (point == HookPoint::kRequestEnd && flow.request.body.data == "hello") {
      LocalResponse mock;
      mock.body = "matched on the body";
      return HookAnswer::answer(std::move(mock));
    }
    return HookAnswer::proceed();
  });
  SessionHarness h = harness(hook, nullptr);
  h.client(kPost);
  EXPECT_EQ(h.count<OpenConnection>(), 0u);
  EXPECT_EQ(h.take_client_bytes(), "HTTP/1.1 200 OK\r\nContent-Length: 19\r\n\r\nmatched on the body");
  EXPECT_FALSE(h.closed());
  ASSERT_EQ(h.flows().size(), 1u);
  EXPECT_EQ(h.flows()[0].response->body.data, "matched on the body");
}

TEST(SessionPause, HeldBodyPastTheLimitIsLetGoAndStreams) {
  Config config;
  config.body_limit = 4;
  ScriptedHook hook([](HookPoint point, flow::Flow& flow) {
    if (point == HookPoint::kRequestHead) return HookAnswer::hold();
    if (point == HookPoint::kRequestEnd) {
      flow.request.body.data = "too late";
      return HookAnswer::modified();
    }
    return HookAnswer::proceed();
  });
  SessionHarness h = harness(hook, nullptr, config);
  h.client(kPost.substr(0, kPost.size() - 2));  // "hel": within the limit, held
  EXPECT_EQ(h.count<OpenConnection>(), 0u);
  h.client(kPost.substr(kPost.size() - 2));  // past it: released
  ASSERT_EQ(h.count<OpenConnection>(), 1u);
  h.connected();
  EXPECT_EQ(h.take_upstream_bytes(), "POST /a HTTP/1.1\r\nHost: origin.test\r\nContent-Length: 5\r\n\r\nhello");
}

TEST(SessionPause, PausedResponseHeadKeepsTheOriginsBytesInOrder) {
  const std::string response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n";
  for (const auto& pieces : every_split(response)) {
    FakePauses pauses;
    ScriptedHook hook([](HookPoint point, flow::Flow&) { return pause_or_go(point, HookPoint::kResponseHead); });
    SessionHarness h = harness(hook, &pauses);
    h.client("GET http://origin.test/a HTTP/1.1\r\nHost: origin.test\r\n\r\n");
    h.connected();
    for (const auto& piece : pieces) h.upstream(piece);  // some arrive after reading stopped
    ASSERT_EQ(pauses.ids.size(), 1u);
    EXPECT_EQ(h.take_client_bytes(), "") << "nothing of a paused response reaches the client";
    EXPECT_FALSE(h.session().wants_upstream_reads());
    EXPECT_TRUE(h.flows().empty());
    resume(h, pauses.ids[0]);
    const std::string sent = h.take_client_bytes();
    EXPECT_EQ(sent.substr(0, 47), response.substr(0, 47));
    EXPECT_EQ(response_body(sent), "abcdef");
    EXPECT_TRUE(h.session().wants_upstream_reads());
    ASSERT_EQ(h.flows().size(), 1u);
    EXPECT_EQ(h.flows()[0].response->body.data, "abcdef");
    ASSERT_EQ(h.releases().size(), 1u);
    EXPECT_TRUE(h.releases()[0].reusable);
  }
}

TEST(SessionPause, OriginClosingDuringAPauseEndsItsResponseAfterTheAnswer) {
  FakePauses pauses;
  ScriptedHook hook([](HookPoint point, flow::Flow&) { return pause_or_go(point, HookPoint::kResponseHead); });
  SessionHarness h = harness(hook, &pauses);
  h.client("GET http://origin.test/a HTTP/1.1\r\nHost: origin.test\r\n\r\n");
  h.connected();
  h.upstream("HTTP/1.1 200 OK\r\n\r\nuntil ");  // close-delimited
  h.upstream("close");
  h.upstream_eof();
  EXPECT_TRUE(h.flows().empty());
  resume(h, pauses.ids.at(0));
  EXPECT_EQ(h.take_client_bytes(),
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nuntil \r\n5\r\nclose\r\n0\r\n\r\n");
  ASSERT_EQ(h.flows().size(), 1u);
  EXPECT_EQ(h.flows()[0].error, "");
  EXPECT_EQ(h.flows()[0].response->body.data, "until close");
}

TEST(SessionPause, HeldResponseEditedAfterAPauseAtItsEnd) {
  FakePauses pauses;
  ScriptedHook hook([](HookPoint point, flow::Flow&) {
    if (point == HookPoint::kResponseHead) return HookAnswer::hold();
    return pause_or_go(point, HookPoint::kResponseEnd);
  });
  SessionHarness h = harness(hook, &pauses);
  h.client("GET http://origin.test/a HTTP/1.1\r\nHost: origin.test\r\n\r\n");
  h.connected();
  h.upstream("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 8\r\n\r\noriginal");
  ASSERT_EQ(pauses.ids.size(), 1u);
  EXPECT_EQ(h.take_client_bytes(), "");
  flow::Flow edited;
  edited.response = flow::Response{418, "Teapot", "HTTP/1.1", {}, {}};
  edited.response->headers.add("Content-Type", "text/plain");
  edited.response->headers.add("Content-Length", "8");
  edited.response->body.data = "edited by a person";
  resume(h, pauses.ids[0], HookAnswer::modified(), edited);
  EXPECT_EQ(h.take_client_bytes(),
            "HTTP/1.1 418 Teapot\r\nContent-Type: text/plain\r\nContent-Length: 18\r\n\r\nedited by a person");
  ASSERT_EQ(h.flows().size(), 1u);
  EXPECT_EQ(h.flows()[0].response->status, 418);
  EXPECT_EQ(h.flows()[0].response->body.data, "edited by a person");
  EXPECT_EQ(h.flows()[0].response->body.size, 18u);
}

TEST(SessionPause, PausedRequestEndDelaysTheResponseNotTheRequest) {
  FakePauses pauses;
  ScriptedHook hook([](HookPoint point, flow::Flow&) { return pause_or_go(point, HookPoint::kRequestEnd); });
  SessionHarness h = harness(hook, &pauses);
  h.client(kPost);
  h.connected();
  EXPECT_EQ(h.take_upstream_bytes(), "POST /a HTTP/1.1\r\nHost: origin.test\r\nContent-Length: 5\r\n\r\nhello");
  h.upstream(kOk);
  EXPECT_EQ(h.take_client_bytes(), "");
  h.timer(TimerKind::kResponse);  // a response timer that fired during the pause does nothing
  EXPECT_EQ(h.take_client_bytes(), "");
  resume(h, pauses.ids.at(0));
  EXPECT_EQ(h.take_client_bytes(), kOk);
  ASSERT_EQ(h.flows().size(), 1u);
}

TEST(SessionPause, KillAndAnswerFromAResume) {
  {
    FakePauses pauses;
    ScriptedHook hook([](HookPoint point, flow::Flow&) { return pause_or_go(point, HookPoint::kRequestHead); });
    SessionHarness h = harness(hook, &pauses);
    h.client(kPost);
    resume(h, pauses.ids.at(0), HookAnswer::kill("aborted by a person"));
    EXPECT_TRUE(h.closed());
    ASSERT_EQ(h.flows().size(), 1u);
    EXPECT_EQ(h.flows()[0].error, "killed by a hook: aborted by a person");
  }
  {
    FakePauses pauses;
    ScriptedHook hook([](HookPoint point, flow::Flow&) { return pause_or_go(point, HookPoint::kResponseHead); });
    SessionHarness h = harness(hook, &pauses);
    h.client("GET http://origin.test/a HTTP/1.1\r\nHost: origin.test\r\n\r\n");
    h.connected();
    h.upstream(kOk);
    LocalResponse mine;
    mine.status = 503;
    mine.body = "not today";
    resume(h, pauses.ids.at(0), HookAnswer::answer(mine));
    EXPECT_EQ(h.take_client_bytes(), "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 9\r\n\r\nnot today");
    ASSERT_EQ(h.flows().size(), 1u);
    EXPECT_EQ(h.flows()[0].response->status, 503);
  }
}

TEST(SessionPause, UnansweredPauseTimesOutAndContinuesAndALateResumeIsIgnored) {
  FakePauses pauses;
  Config config;
  config.breakpoint_timeout_ms = 1234;
  ScriptedHook hook([](HookPoint point, flow::Flow&) { return pause_or_go(point, HookPoint::kRequestHead); });
  SessionHarness h = harness(hook, &pauses, config);
  h.client(kPost);
  EXPECT_TRUE(has_line(h.take_playbook(), "timer+ hook 1234"));
  h.timer(TimerKind::kHook);
  ASSERT_EQ(h.count<OpenConnection>(), 1u);
  h.connected();
  EXPECT_EQ(h.take_upstream_bytes(), "POST /a HTTP/1.1\r\nHost: origin.test\r\nContent-Length: 5\r\n\r\nhello");
  resume(h, pauses.ids.at(0), HookAnswer::kill("too late"));
  EXPECT_FALSE(h.closed());
  h.upstream(kOk);
  EXPECT_EQ(h.take_client_bytes(), kOk);
  ASSERT_EQ(h.flows().size(), 1u);
  EXPECT_EQ(h.flows()[0].error, "");
}

TEST(SessionPause, ClientLeavingDuringAPauseRecordsTheFlowAndTheResumeFindsNothing) {
  FakePauses pauses;
  ScriptedHook hook([](HookPoint point, flow::Flow&) { return pause_or_go(point, HookPoint::kRequestHead); });
  SessionHarness h = harness(hook, &pauses);
  h.client(kPost.substr(0, kPost.size() - 3));  // the body is not complete
  h.client_eof();
  EXPECT_TRUE(h.closed());
  ASSERT_EQ(h.flows().size(), 1u);
  EXPECT_EQ(h.flows()[0].error, "client closed the connection before the request was complete");
  resume(h, pauses.ids.at(0));
  EXPECT_EQ(h.count<OpenConnection>(), 0u);
}

TEST(SessionPause, PausesOnOneConnectionNumberEachPause) {
  FakePauses pauses;
  ScriptedHook hook([](HookPoint point, flow::Flow&) { return pause_or_go(point, HookPoint::kResponseEnd); });
  SessionHarness h = harness(hook, &pauses);
  const std::string get = "GET http://origin.test/a HTTP/1.1\r\nHost: origin.test\r\n\r\n";
  h.client(get + get);  // pipelined: the second waits for the first
  h.connected();
  h.upstream(kOk);
  EXPECT_EQ(h.take_client_bytes(), kOk) << "a streamed response is sent before its end pauses";
  EXPECT_EQ(h.flows().size(), 0u);
  resume(h, pauses.ids.at(0));
  ASSERT_EQ(h.flows().size(), 1u);
  h.connected(true);  // the second request, on the pooled connection
  h.upstream(kOk);
  ASSERT_EQ(pauses.ids.size(), 2u);
  EXPECT_EQ(pauses.ids[1], pauses.ids[0] + 1);
  resume(h, pauses.ids[0]);  // stale: the second stays paused
  EXPECT_EQ(h.flows().size(), 1u);
  resume(h, pauses.ids[1]);
  EXPECT_EQ(h.flows().size(), 2u);
}

TEST(SessionPause, WithoutAPauseChannelAPauseIsAContinue) {
  ScriptedHook hook([](HookPoint point, flow::Flow&) { return pause_or_go(point, HookPoint::kRequestHead); });
  SessionHarness h = harness(hook, nullptr);
  h.client(kPost);
  EXPECT_EQ(h.count<OpenConnection>(), 1u);
}

}  // namespace
}  // namespace flowscope::proxy::testing
