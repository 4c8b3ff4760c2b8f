#pragma once
// gui::LiveQueue: the one place where flows cross from the engine's worker threads to
// the GUI thread. It is a FlowSink (it asks for live events); the workers push, and
// the GUI drains once per frame. Pushing never waits for the GUI: a frame that is slow
// only makes the next batch bigger.
#include <cstddef>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "core/flow/sink.hpp"

namespace flowscope::gui {

// One thing that happened, in the order the workers reported it.
struct FinishedFlow {
  flow::Flow flow;
};
struct Notice {
  std::string line;
};
using LiveItem = std::variant<flow::FlowEvent, FinishedFlow, Notice>;

class LiveQueue : public flow::FlowSink {
 public:
  void on_flow(const flow::Flow& flow) override;
  bool wants_live_events() const override { return true; }
  void on_flow_event(const flow::FlowEvent& event) override;
  void on_notice(const std::string& line) override;

  // Everything pushed since the last drain, oldest first (GUI thread).
  std::vector<LiveItem> drain();
  // Items waiting, for the status bar and tests.
  std::size_t pending() const;

 private:
  void push(LiveItem item);

  mutable std::mutex mutex_;
  std::vector<LiveItem> items_;
};

}  // namespace flowscope::gui
