// The GUI's breakpoints against a real engine: BreakpointHook holds a matching POST,
// pauses it into the PausedList, other connections go on meanwhile, and a decision
// from another thread (as the GUI thread makes it) reaches the origin or the client.
#include <chrono>
#include <thread>

#include "core/engine/engine.hpp"
#include "gui/model/breakpoint_hook.hpp"
#include "proxy_fixture.hpp"
#include "tests/unit/ca/ca_test_support.hpp"

namespace flowscope::integration {
namespace {

using namespace std::chrono_literals;
using ca::testing::TempDir;

// The GUI polls the list once a frame; the test does the same, with a bound.
std::vector<gui::PausedItem> wait_for_paused(const gui::PausedList& paused, std::size_t count) {
  const auto give_up = std::chrono::steady_clock::now() + 10s;
  while (paused.size() < count && std::chrono::steady_clock::now() < give_up) std::this_thread::sleep_for(2ms);
  return paused.snapshot();
}

std::string post(const OriginServer& origin, const std::string& path, const std::string& body) {
  return "POST " + origin.url(path) + " HTTP/1.1\r\nHost: " + origin.authority() +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

TEST(GuiBreakpoint, APausedPostIsEditedOrAnsweredFromAnotherThreadWhileOthersGoOn) {
  TempDir home;
  OriginServer origin(OriginServer::echo());
  auto sink = std::make_shared<testsupport::RecordingSink>();
  auto breakpoints = std::make_shared<gui::Breakpoints>();
  ASSERT_EQ(breakpoints->add("~m POST", gui::BreakOn::kRequest), std::nullopt);
  auto paused = std::make_shared<gui::PausedList>(300000ms);
  auto hook = std::make_shared<gui::BreakpointHook>(breakpoints, paused);

  engine::EngineOptions options;
  options.config = testsupport::test_config();
  options.ca.home = home.path().string();
  options.intercept = false;
  options.sinks.push_back(sink);
  options.sinks.push_back(hook);
  options.hooks.push_back(hook);
  engine::Engine engine(std::move(options));
  ASSERT_TRUE(engine.start());

  TestClient edited_client(engine.bound_port());
  ASSERT_TRUE(edited_client.connected()) << edited_client.connect_error();
  edited_client.send(post(origin, "/edit-me", "original"));
  auto items = wait_for_paused(*paused, 1);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].point, proxy::HookPoint::kRequestEnd);
  EXPECT_EQ(items[0].flow.request.body.data, "original") << "held: the whole request is there to edit";
  EXPECT_EQ(origin.requests().size(), 0u);

  // Another connection is not held up by the pause.
  {
    TestClient other(engine.bound_port());
    ASSERT_TRUE(other.connected());
    other.send("GET " + origin.url("/meanwhile") + " HTTP/1.1\r\nHost: " + origin.authority() + "\r\n\r\n");
    HttpResponse response = other.read_response();
    ASSERT_TRUE(response.complete) << response.error;
    EXPECT_EQ(response.status(), 200);
  }
  ASSERT_EQ(origin.requests().size(), 1u);

  gui::Decision edit;
  edit.kind = gui::DecisionKind::kContinueEdited;
  edit.edited = items[0].flow;
  edit.edited.request.headers.add("X-Edited", "yes");
  edit.edited.request.body.data = "changed in the GUI";
  std::thread gui_thread([&] { EXPECT_TRUE(paused->resume(items[0].ticket, std::move(edit))); });
  gui_thread.join();
  HttpResponse edited_response = edited_client.read_response();
  ASSERT_TRUE(edited_response.complete) << edited_response.error;
  EXPECT_EQ(edited_response.status(), 200);
  auto requests = origin.requests();
  ASSERT_EQ(requests.size(), 2u);
  const std::string* marker = requests[1].head.headers.find("X-Edited");
  ASSERT_NE(marker, nullptr) << requests[1].raw;
  EXPECT_EQ(*marker, "yes");
  EXPECT_EQ(requests[1].body, "changed in the GUI");

  // A second pause, answered locally: the origin never sees it.
  TestClient answered_client(engine.bound_port());
  ASSERT_TRUE(answered_client.connected());
  answered_client.send(post(origin, "/answer-me", "x"));
  items = wait_for_paused(*paused, 1);
  ASSERT_EQ(items.size(), 1u);
  gui::Decision answer;
  answer.kind = gui::DecisionKind::kAnswer;
  answer.response.status = 202;
  answer.response.body = "answered at the breakpoint";
  EXPECT_TRUE(paused->resume(items[0].ticket, std::move(answer)));
  HttpResponse local = answered_client.read_response();
  ASSERT_TRUE(local.complete) << local.error;
  EXPECT_EQ(local.status(), 202);
  EXPECT_EQ(local.body, "answered at the breakpoint");
  EXPECT_EQ(origin.requests().size(), 2u);
  EXPECT_EQ(paused->size(), 0u);
  EXPECT_EQ(hook->held_count(), 0u);

  engine.stop();
}

}  // namespace
}  // namespace flowscope::integration
