#include "gui/model/live_queue.hpp"

#include <utility>

namespace flowscope::gui {

void LiveQueue::on_flow(const flow::Flow& flow) { push(FinishedFlow{flow}); }

void LiveQueue::on_flow_event(const flow::FlowEvent& event) { push(event); }

void LiveQueue::on_notice(const std::string& line) { push(Notice{line}); }

void LiveQueue::push(LiveItem item) {
  std::lock_guard lock(mutex_);
  items_.push_back(std::move(item));
}

std::vector<LiveItem> LiveQueue::drain() {
  std::vector<LiveItem> out;
  std::lock_guard lock(mutex_);
  out.swap(items_);
  return out;
}

std::size_t LiveQueue::pending() const {
  std::lock_guard lock(mutex_);
  return items_.size();
}

}  // namespace flowscope::gui
