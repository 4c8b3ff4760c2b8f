#pragma once
// Forwards to another sink only the flows a filter matches: `flowscope run --filter`
// prints and stores only those.
//
// Live events arrive before a flow is finished, when terms on the response cannot be
// decided yet. A flow's live events are forwarded when its request head (the kStarted
// event) already matches, so `--live --filter '~d api'` shows requests in flight; one
// that needs its response to match (`~c 404`) shows only its finished line.
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>

#include "core/filter/filter.hpp"
#include "core/flow/sink.hpp"

namespace flowscope::filter {

class FilteringSink : public flow::ForwardingSink {
 public:
  FilteringSink(Filter filter, std::shared_ptr<flow::FlowSink> next);

  void on_flow(const flow::Flow& flow) override;
  void on_flow_event(const flow::FlowEvent& event) override;

 private:
  Filter filter_;
  std::mutex mutex_;
  std::unordered_set<std::string> live_ids_;  // flows whose live events pass, until they finish
};

}  // namespace flowscope::filter
