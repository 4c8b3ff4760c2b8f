#include "core/flow/sink.hpp"

namespace flowscope::flow {

void MemorySink::on_flow(const Flow& flow) {
  {
    std::lock_guard lock(mutex_);
    flows_.push_back(flow);
  }
  arrived_.notify_all();
}

void MemorySink::on_flow_event(const FlowEvent& event) {
  std::lock_guard lock(mutex_);
  events_.push_back(event);
}

void MemorySink::on_notice(const std::string& line) {
  std::lock_guard lock(mutex_);
  notices_.push_back(line);
}

std::vector<std::string> MemorySink::notices() const {
  std::lock_guard lock(mutex_);
  return notices_;
}

std::vector<FlowEvent> MemorySink::events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

std::vector<Flow> MemorySink::flows() const {
  std::lock_guard lock(mutex_);
  return flows_;
}

std::vector<Flow> MemorySink::wait_for(std::size_t count) const {
  std::unique_lock lock(mutex_);
  arrived_.wait(lock, [&] { return flows_.size() >= count; });
  return flows_;
}

void TeeSink::on_flow(const Flow& flow) {
  for (auto& sink : sinks_) sink->on_flow(flow);
}

bool TeeSink::wants_live_events() const {
  for (const auto& sink : sinks_)
    if (sink->wants_live_events()) return true;
  return false;
}

void TeeSink::on_flow_event(const FlowEvent& event) {
  for (auto& sink : sinks_)
    if (sink->wants_live_events()) sink->on_flow_event(event);
}

void TeeSink::on_notice(const std::string& line) {
  for (auto& sink : sinks_) sink->on_notice(line);
}

void TeeSink::flush() {
  for (auto& sink : sinks_) sink->flush();
}

}  // namespace flowscope::flow
