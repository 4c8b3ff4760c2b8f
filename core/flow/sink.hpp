#pragma once
// Where flows go: every finished flow, and to sinks that ask for them, live events
// while an exchange runs (flow_event.hpp). Sinks are called from the worker threads,
// so every implementation must be thread-safe and must not block for long.
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/flow/flow.hpp"
#include "core/flow/flow_event.hpp"

namespace flowscope::flow {

class FlowSink {
 public:
  virtual ~FlowSink() = default;
  // The exchange ended (or failed): the whole flow, once.
  virtual void on_flow(const Flow& flow) = 0;
  // Live events cost a copy of each head, so the engine makes them only when some
  // sink asks. Asked once, when the engine starts.
  virtual bool wants_live_events() const { return false; }
  virtual void on_flow_event(const FlowEvent&) {}
  // Something a person should know that is no flow: a host learned as passthrough
  // (its clients refuse our certificate) or expired again. One line of text.
  virtual void on_notice(const std::string& /*line*/) {}
  // Called once at shutdown, after the last on_flow.
  virtual void flush() {}
};

// Keeps every flow (and, when asked, every live event) in memory; tests read them
// back, waiting without sleeping.
class MemorySink : public FlowSink {
 public:
  explicit MemorySink(bool live_events = false) : live_events_(live_events) {}
  void on_flow(const Flow& flow) override;
  bool wants_live_events() const override { return live_events_; }
  void on_flow_event(const FlowEvent& event) override;
  void on_notice(const std::string& line) override;
  std::vector<Flow> flows() const;
  std::vector<FlowEvent> events() const;
  std::vector<std::string> notices() const;
  // Blocks until at least `count` flows have arrived.
  std::vector<Flow> wait_for(std::size_t count) const;

 private:
  bool live_events_;
  mutable std::mutex mutex_;
  mutable std::condition_variable arrived_;
  std::vector<Flow> flows_;
  std::vector<FlowEvent> events_;
  std::vector<std::string> notices_;
};

// A sink in front of another (filter::FilteringSink, redact::RedactingSink): it hands
// everything on unless it overrides a call.
class ForwardingSink : public FlowSink {
 public:
  explicit ForwardingSink(std::shared_ptr<FlowSink> next) : next_(std::move(next)) {}
  void on_flow(const Flow& flow) override { next_->on_flow(flow); }
  bool wants_live_events() const override { return next_->wants_live_events(); }
  void on_flow_event(const FlowEvent& event) override { next_->on_flow_event(event); }
  void on_notice(const std::string& line) override { next_->on_notice(line); }
  void flush() override { next_->flush(); }

 protected:
  FlowSink& next() const { return *next_; }

 private:
  std::shared_ptr<FlowSink> next_;
};

// Fans one flow out to several sinks.
class TeeSink : public FlowSink {
 public:
  void add(std::shared_ptr<FlowSink> sink) { sinks_.push_back(std::move(sink)); }
  void on_flow(const Flow& flow) override;
  bool wants_live_events() const override;
  void on_flow_event(const FlowEvent& event) override;
  void on_notice(const std::string& line) override;
  void flush() override;

 private:
  std::vector<std::shared_ptr<FlowSink>> sinks_;
};

}  // namespace flowscope::flow
