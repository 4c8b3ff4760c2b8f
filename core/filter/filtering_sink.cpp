#include "core/filter/filtering_sink.hpp"

namespace flowscope::filter {

FilteringSink::FilteringSink(Filter filter, std::shared_ptr<flow::FlowSink> next)
    : ForwardingSink(std::move(next)), filter_(std::move(filter)) {}

void FilteringSink::on_flow(const flow::Flow& flow) {
  if (next().wants_live_events()) {
    std::lock_guard lock(mutex_);
    live_ids_.erase(flow.id);
  }
  if (filter_.matches(flow)) next().on_flow(flow);
}

void FilteringSink::on_flow_event(const flow::FlowEvent& event) {
  // One flow's events all come from the worker thread that runs its connection, in
  // order, so its kStarted is handled before any later event of it.
  if (event.stage == flow::FlowStage::kStarted) {
    if (!filter_.matches(event.flow)) return;
    std::lock_guard lock(mutex_);
    live_ids_.insert(event.flow.id);
  } else {
    std::lock_guard lock(mutex_);
    if (!live_ids_.contains(event.flow.id)) return;
  }
  next().on_flow_event(event);
}

}  // namespace flowscope::filter
