#include "core/redact/redacting_sink.hpp"

namespace flowscope::redact {

RedactingSink::RedactingSink(Redactor redactor, std::shared_ptr<flow::FlowSink> next)
    : ForwardingSink(std::move(next)), redactor_(std::move(redactor)) {}

void RedactingSink::on_flow(const flow::Flow& flow) {
  if (auto redacted = redactor_.redacted(flow)) {
    next().on_flow(*redacted);
  } else {
    next().on_flow(flow);
  }
}

void RedactingSink::on_flow_event(const flow::FlowEvent& event) {
  if (auto redacted = redactor_.redacted(event.flow)) {
    next().on_flow_event(flow::FlowEvent{event.stage, std::move(*redacted)});
  } else {
    next().on_flow_event(event);
  }
}

}  // namespace flowscope::redact
