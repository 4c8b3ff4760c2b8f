#pragma once
// Where finished flows go. Sinks are called from the worker threads, so every
// implementation must be thread-safe and must not block for long.
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "core/flow/flow.hpp"

namespace flowscope::flow {

class FlowSink {
 public:
  virtual ~FlowSink() = default;
  virtual void on_flow(const Flow& flow) = 0;
  // Called once at shutdown, after the last on_flow.
  virtual void flush() {}
};

// Keeps every flow in memory; tests read them back, waiting without sleeping.
class MemorySink : public FlowSink {
 public:
  void on_flow(const Flow& flow) override;
  std::vector<Flow> flows() const;
  // Blocks until at least `count` flows have arrived.
  std::vector<Flow> wait_for(std::size_t count) const;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable arrived_;
  std::vector<Flow> flows_;
};

// Fans one flow out to several sinks.
class TeeSink : public FlowSink {
 public:
  void add(std::shared_ptr<FlowSink> sink) { sinks_.push_back(std::move(sink)); }
  void on_flow(const Flow& flow) override;
  void flush() override;

 private:
  std::vector<std::shared_ptr<FlowSink>> sinks_;
};

}  // namespace flowscope::flow
