#include "gui/model/paused_list.hpp"

#include <gtest/gtest.h>

namespace flowscope::gui {
namespace {

using namespace std::chrono_literals;
using proxy::HookAnswer;
using proxy::HookPoint;

// Records what the list answered through it.
class FakePausedExchange : public proxy::PausedExchange {
 public:
  void resume(HookAnswer answer, std::optional<flow::Flow> edited) override {
    ++resumes;
    last = std::move(answer);
    last_edited = std::move(edited);
  }
  int resumes = 0;
  HookAnswer last;
  std::optional<flow::Flow> last_edited;
};

struct FakeClock {
  std::chrono::steady_clock::time_point now{};
  PausedList::Clock function() {
    return [this] { return now; };
  }
};

flow::Flow flow_with_id(const std::string& id) {
  flow::Flow flow;
  flow.id = id;
  flow.request.method = "POST";
  return flow;
}

TEST(PausedList, AddGivesTicketsAndASnapshotWithTheDeadline) {
  FakeClock clock;
  PausedList list(1000ms, clock.function());
  auto handle = std::make_shared<FakePausedExchange>();
  std::uint64_t a = list.add(HookPoint::kRequestEnd, flow_with_id("a"), handle);
  clock.now += 10ms;
  std::uint64_t b = list.add(HookPoint::kResponseEnd, flow_with_id("b"), handle);
  EXPECT_NE(a, 0u);
  EXPECT_NE(a, b);
  EXPECT_EQ(list.size(), 2u);
  auto items = list.snapshot();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].ticket, a);
  EXPECT_EQ(items[0].point, HookPoint::kRequestEnd);
  EXPECT_EQ(items[0].flow.id, "a");
  EXPECT_EQ(items[0].deadline, std::chrono::steady_clock::time_point{} + 1000ms);
  EXPECT_EQ(items[1].deadline, std::chrono::steady_clock::time_point{} + 1010ms);
}

TEST(PausedList, EachDecisionBecomesItsHookAnswer) {
  PausedList list(1000ms);
  auto resume_with = [&list](Decision decision) {
    auto handle = std::make_shared<FakePausedExchange>();
    std::uint64_t ticket = list.add(HookPoint::kRequestEnd, flow_with_id("x"), handle);
    EXPECT_TRUE(list.resume(ticket, std::move(decision)));
    EXPECT_EQ(handle->resumes, 1);
    return handle;
  };

  auto go_on = resume_with(Decision{});
  EXPECT_EQ(go_on->last.kind, HookAnswer::Kind::kContinue);
  EXPECT_FALSE(go_on->last_edited);

  Decision edit;
  edit.kind = DecisionKind::kContinueEdited;
  edit.edited = flow_with_id("x");
  edit.edited.request.headers.add("X-Edited", "yes");
  edit.edited.request.body.data = "changed";
  auto edited = resume_with(edit);
  EXPECT_EQ(edited->last.kind, HookAnswer::Kind::kModified);
  ASSERT_TRUE(edited->last_edited);
  EXPECT_EQ(edited->last_edited->request.body.data, "changed");
  ASSERT_NE(edited->last_edited->request.headers.find("X-Edited"), nullptr);
  EXPECT_EQ(*edited->last_edited->request.headers.find("X-Edited"), "yes");

  Decision answer;
  answer.kind = DecisionKind::kAnswer;
  answer.response.status = 418;
  answer.response.body = "local";
  auto answered = resume_with(answer);
  EXPECT_EQ(answered->last.kind, HookAnswer::Kind::kAnswer);
  EXPECT_EQ(answered->last.response.status, 418);
  EXPECT_EQ(answered->last.response.body, "local");

  Decision abort;
  abort.kind = DecisionKind::kAbort;
  auto aborted = resume_with(abort);
  EXPECT_EQ(aborted->last.kind, HookAnswer::Kind::kKill);
  EXPECT_EQ(aborted->last.reason, "aborted at a breakpoint");
  EXPECT_EQ(list.size(), 0u) << "every answered item left the list";
}

TEST(PausedList, UnknownOrAnsweredTicketsAreRefused) {
  PausedList list(1000ms);
  auto handle = std::make_shared<FakePausedExchange>();
  EXPECT_FALSE(list.resume(42, Decision{}));
  std::uint64_t ticket = list.add(HookPoint::kRequestEnd, flow_with_id("a"), handle);
  EXPECT_TRUE(list.resume(ticket, Decision{}));
  EXPECT_FALSE(list.resume(ticket, Decision{}));
  EXPECT_EQ(handle->resumes, 1);
}

TEST(PausedList, ExpireDropsExactlyThosePastTheirDeadline) {
  FakeClock clock;
  PausedList list(100ms, clock.function());
  auto handle = std::make_shared<FakePausedExchange>();
  std::uint64_t first = list.add(HookPoint::kRequestEnd, flow_with_id("first"), handle);
  clock.now += 50ms;
  std::uint64_t second = list.add(HookPoint::kResponseEnd, flow_with_id("second"), handle);

  list.expire(clock.now + 49ms);
  EXPECT_EQ(list.size(), 2u);
  list.expire(std::chrono::steady_clock::time_point{} + 100ms);  // the first's deadline
  auto items = list.snapshot();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].ticket, second);
  EXPECT_FALSE(list.resume(first, Decision{})) << "the engine continued it itself";
  EXPECT_EQ(handle->resumes, 0);
  list.expire(std::chrono::steady_clock::time_point{} + 150ms);
  EXPECT_EQ(list.size(), 0u);
}

}  // namespace
}  // namespace flowscope::gui

namespace flowscope::gui {
namespace {

TEST(PausedList, ForgetDropsTheItemsOfAnEndedExchangeOnly) {
  PausedList list(std::chrono::milliseconds(1000));
  auto handle = std::make_shared<FakePausedExchange>();
  const std::uint64_t gone = list.add(HookPoint::kRequestEnd, flow_with_id("a"), handle);
  const std::uint64_t kept = list.add(HookPoint::kRequestEnd, flow_with_id("b"), handle);
  list.forget("a");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list.snapshot()[0].ticket, kept);
  EXPECT_FALSE(list.resume(gone, Decision{}));  // the exchange ended: nothing to resume
  EXPECT_EQ(handle->resumes, 0);
  list.forget("no such flow");
  EXPECT_EQ(list.size(), 1u);
}

}  // namespace
}  // namespace flowscope::gui
