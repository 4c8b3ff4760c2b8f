#include "gui/model/live_queue.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace flowscope::gui {
namespace {

TEST(LiveQueue, DrainsInTheOrderPushedAndEmpties) {
  LiveQueue queue;
  flow::FlowEvent started;
  started.flow.id = "a";
  queue.on_flow_event(started);
  queue.on_notice("learned passthrough");
  flow::Flow done;
  done.id = "a";
  queue.on_flow(done);
  EXPECT_TRUE(queue.wants_live_events());
  EXPECT_EQ(queue.pending(), 3u);

  auto items = queue.drain();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(std::get<flow::FlowEvent>(items[0]).flow.id, "a");
  EXPECT_EQ(std::get<Notice>(items[1]).line, "learned passthrough");
  EXPECT_EQ(std::get<FinishedFlow>(items[2]).flow.id, "a");
  EXPECT_EQ(queue.pending(), 0u);
  EXPECT_TRUE(queue.drain().empty());
}

TEST(LiveQueue, LosesNothingWhenWorkersPushWhileTheGuiDrains) {
  LiveQueue queue;
  constexpr int kPerThread = 2000;
  auto pusher = [&queue](const std::string& prefix) {
    for (int i = 0; i < kPerThread; ++i) {
      flow::Flow flow;
      flow.id = prefix + std::to_string(i);
      queue.on_flow(flow);
    }
  };
  std::thread a(pusher, "a"), b(pusher, "b");
  std::size_t seen = 0;
  int next_a = 0, next_b = 0;
  auto take = [&] {
    for (auto& item : queue.drain()) {
      const std::string& id = std::get<FinishedFlow>(item).flow.id;
      // Each worker's flows come out in the order it pushed them.
      int& next = id[0] == 'a' ? next_a : next_b;
      EXPECT_EQ(id.substr(1), std::to_string(next));
      ++next;
      ++seen;
    }
  };
  while (seen < 2 * kPerThread && (a.joinable() || b.joinable())) {
    take();
    if (next_a == kPerThread && a.joinable()) a.join();
    if (next_b == kPerThread && b.joinable()) b.join();
  }
  take();
  EXPECT_EQ(seen, 2u * kPerThread);
}

}  // namespace
}  // namespace flowscope::gui
