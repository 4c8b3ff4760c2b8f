#pragma once
// Live flow events: what a sink sees of an exchange while it runs, before the
// finished flow arrives through FlowSink::on_flow. A GUI shows requests in flight
// from these; the store ignores them and writes each flow once, when it ends.
#include <cstdint>

#include "core/flow/flow.hpp"

namespace flowscope::flow {

enum class FlowStage {
  kStarted,       // request head parsed: `flow` has the request head (no body)
  kRequestEnd,    // the request body ended: `flow` has only id and request.body.size
  kResponseHead,  // the response head arrived: `flow` has both heads (no bodies)
  kProgress,      // more response body: `flow` has only id and the two body sizes
  kWebSocketMessage,  // WebSocket messages passed: `flow` has only id, client_address and
                      // `websocket` with the new messages (and the close, once there is one)
};

const char* flow_stage_name(FlowStage stage);

struct FlowEvent {
  FlowStage stage = FlowStage::kStarted;
  Flow flow;
};

// A copy of `flow` without body bytes (sizes kept): heads for a live view, cheap to
// copy on every exchange.
Flow without_bodies(const Flow& flow);

// Only the id and the body sizes, for the events that report progress.
Flow progress_of(const Flow& flow);

}  // namespace flowscope::flow
