#include "gui/model/breakpoint_hook.hpp"

#include <gtest/gtest.h>

namespace flowscope::gui {
namespace {

using namespace std::chrono_literals;
using proxy::HookAnswer;
using proxy::HookPoint;

class NullPausedExchange : public proxy::PausedExchange {
 public:
  void resume(HookAnswer, std::optional<flow::Flow>) override {}
};

struct Rig {
  std::shared_ptr<Breakpoints> breakpoints = std::make_shared<Breakpoints>();
  std::shared_ptr<PausedList> paused = std::make_shared<PausedList>(1000ms);
  BreakpointHook hook{breakpoints, paused};

  // What the engine does with a pause answer: hand over a handle at once.
  HookAnswer::Kind ask(HookPoint point, flow::Flow& flow) {
    HookAnswer answer = hook.on_hook(point, flow);
    if (answer.kind == HookAnswer::Kind::kPause) answer.take_pause(std::make_shared<NullPausedExchange>());
    return answer.kind;
  }
};

flow::Flow request(const std::string& id, const std::string& method) {
  flow::Flow flow;
  flow.id = id;
  flow.request.method = method;
  flow.request.url = "http://example.test/x";
  return flow;
}

void add_response(flow::Flow& flow, int status) { flow.response = flow::Response{status, "", "HTTP/1.1", {}, {}}; }

TEST(BreakpointHook, ARequestBreakpointHoldsAtTheHeadAndPausesAtTheEnd) {
  Rig rig;
  rig.breakpoints->add("~m POST", BreakOn::kRequest);
  flow::Flow flow = request("a", "POST");
  EXPECT_EQ(rig.ask(HookPoint::kRequestHead, flow), HookAnswer::Kind::kHold);
  EXPECT_EQ(rig.hook.held_count(), 1u);
  EXPECT_EQ(rig.paused->size(), 0u);
  flow.request.body.data = "whole body";
  EXPECT_EQ(rig.ask(HookPoint::kRequestEnd, flow), HookAnswer::Kind::kPause);
  EXPECT_EQ(rig.hook.held_count(), 0u);
  auto items = rig.paused->snapshot();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].point, HookPoint::kRequestEnd);
  EXPECT_EQ(items[0].flow.id, "a");
  EXPECT_EQ(items[0].flow.request.body.data, "whole body");
  add_response(flow, 200);
  EXPECT_EQ(rig.ask(HookPoint::kResponseHead, flow), HookAnswer::Kind::kContinue);
  EXPECT_EQ(rig.ask(HookPoint::kResponseEnd, flow), HookAnswer::Kind::kContinue);
}

TEST(BreakpointHook, NonMatchingExchangesGoOn) {
  Rig rig;
  rig.breakpoints->add("~m POST", BreakOn::kBoth);
  flow::Flow flow = request("a", "GET");
  EXPECT_EQ(rig.ask(HookPoint::kRequestHead, flow), HookAnswer::Kind::kContinue);
  EXPECT_EQ(rig.ask(HookPoint::kRequestEnd, flow), HookAnswer::Kind::kContinue);
  add_response(flow, 200);
  EXPECT_EQ(rig.ask(HookPoint::kResponseHead, flow), HookAnswer::Kind::kContinue);
  EXPECT_EQ(rig.ask(HookPoint::kResponseEnd, flow), HookAnswer::Kind::kContinue);
  EXPECT_EQ(rig.paused->size(), 0u);
}

TEST(BreakpointHook, AResponseBreakpointHoldsAtItsHeadAndPausesAtItsEnd) {
  Rig rig;
  rig.breakpoints->add("~c 404", BreakOn::kResponse);
  flow::Flow flow = request("r", "GET");
  EXPECT_EQ(rig.ask(HookPoint::kRequestHead, flow), HookAnswer::Kind::kContinue);
  EXPECT_EQ(rig.ask(HookPoint::kRequestEnd, flow), HookAnswer::Kind::kContinue);
  add_response(flow, 404);
  EXPECT_EQ(rig.ask(HookPoint::kResponseHead, flow), HookAnswer::Kind::kHold);
  EXPECT_EQ(rig.ask(HookPoint::kResponseEnd, flow), HookAnswer::Kind::kPause);
  auto items = rig.paused->snapshot();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].point, HookPoint::kResponseEnd);
  ASSERT_TRUE(items[0].flow.response);
  EXPECT_EQ(items[0].flow.response->status, 404);
}

TEST(BreakpointHook, OnlyHeldMessagesPauseAtTheirEnd) {
  Rig rig;
  flow::Flow flow = request("late", "POST");
  EXPECT_EQ(rig.ask(HookPoint::kRequestHead, flow), HookAnswer::Kind::kContinue);
  // Added while the body streams: the head went out unheld, so no pause at its end.
  rig.breakpoints->add("~m POST", BreakOn::kRequest);
  EXPECT_EQ(rig.ask(HookPoint::kRequestEnd, flow), HookAnswer::Kind::kContinue);
  // Disabled while held: the held message is let go as it came.
  flow::Flow next = request("next", "POST");
  EXPECT_EQ(rig.ask(HookPoint::kRequestHead, next), HookAnswer::Kind::kHold);
  rig.breakpoints->set_enabled(0, false);
  EXPECT_EQ(rig.ask(HookPoint::kRequestEnd, next), HookAnswer::Kind::kContinue);
  EXPECT_EQ(rig.paused->size(), 0u);
  EXPECT_EQ(rig.hook.held_count(), 0u);
}

TEST(BreakpointHook, ABodyTermHoldsEveryRequestAndPausesOnlyThoseThatMatchWhole) {
  Rig rig;
  rig.breakpoints->add("~bq secret", BreakOn::kRequest);
  flow::Flow plain = request("p", "POST");
  flow::Flow secret = request("s", "POST");
  EXPECT_EQ(rig.ask(HookPoint::kRequestHead, plain), HookAnswer::Kind::kHold);
  EXPECT_EQ(rig.ask(HookPoint::kRequestHead, secret), HookAnswer::Kind::kHold);
  plain.request.body.data = "nothing here";
  secret.request.body.data = "the secret word";
  EXPECT_EQ(rig.ask(HookPoint::kRequestEnd, plain), HookAnswer::Kind::kContinue);
  EXPECT_EQ(rig.ask(HookPoint::kRequestEnd, secret), HookAnswer::Kind::kPause);
  ASSERT_EQ(rig.paused->size(), 1u);
  EXPECT_EQ(rig.paused->snapshot()[0].flow.id, "s");
}

TEST(BreakpointHook, AFlowThatEndsWhileHeldIsForgotten) {
  Rig rig;
  rig.breakpoints->add("~m POST", BreakOn::kRequest);
  flow::Flow flow = request("gone", "POST");
  EXPECT_EQ(rig.ask(HookPoint::kRequestHead, flow), HookAnswer::Kind::kHold);
  flow.error = "client closed";
  rig.hook.on_flow(flow);
  EXPECT_EQ(rig.hook.held_count(), 0u);
}

TEST(BreakpointHook, NoBreakpointsContinueAtEveryPoint) {
  Rig rig;
  flow::Flow flow = request("a", "POST");
  for (HookPoint point : {HookPoint::kRequestHead, HookPoint::kRequestEnd, HookPoint::kResponseHead,
                          HookPoint::kResponseEnd}) {
    if (point == HookPoint::kResponseHead) add_response(flow, 200);
    EXPECT_EQ(rig.ask(point, flow), HookAnswer::Kind::kContinue) << proxy::hook_point_name(point);
  }
  EXPECT_EQ(rig.paused->size(), 0u);
  EXPECT_EQ(rig.hook.held_count(), 0u);
}

}  // namespace
}  // namespace flowscope::gui
