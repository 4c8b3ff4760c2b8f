#include "core/flow/sink.hpp"

namespace flowscope::flow {

void MemorySink::on_flow(const Flow& flow) {
  {
    std::lock_guard lock(mutex_);
    flows_.push_back(flow);
  }
  arrived_.notify_all();
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

void TeeSink::flush() {
  for (auto& sink : sinks_) sink->flush();
}

}  // namespace flowscope::flow
