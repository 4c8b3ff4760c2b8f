#pragma once
// Hands the next sink every flow and live event with its secrets redacted (Redactor), the
// way filter::FilteringSink hands on only matching ones. The engine puts it in front of
// every sink and the store when EngineOptions::redactor is set.
#include <memory>

#include "core/flow/sink.hpp"
#include "core/redact/redactor.hpp"

namespace flowscope::redact {

class RedactingSink : public flow::ForwardingSink {
 public:
  RedactingSink(Redactor redactor, std::shared_ptr<flow::FlowSink> next);

  void on_flow(const flow::Flow& flow) override;
  // Live events carry heads (a URL, Cookie, Authorization) and no bodies; WebSocket
  // message events pass as they are.
  void on_flow_event(const flow::FlowEvent& event) override;

 private:
  Redactor redactor_;
};

}  // namespace flowscope::redact
