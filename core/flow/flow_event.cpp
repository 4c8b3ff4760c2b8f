#include "core/flow/flow_event.hpp"

namespace flowscope::flow {

const char* flow_stage_name(FlowStage stage) {
  switch (stage) {
    case FlowStage::kStarted: return "started";
    case FlowStage::kRequestEnd: return "request end";
    case FlowStage::kResponseHead: return "response head";
    case FlowStage::kProgress: return "progress";
    case FlowStage::kWebSocketMessage: return "websocket message";
  }
  return "?";
}

namespace {

Body size_only(const Body& body) { return Body{{}, body.size, body.size > 0}; }

}  // namespace

Flow without_bodies(const Flow& flow) {
  Flow out;
  out.id = flow.id;
  out.connection_id = flow.connection_id;
  out.started_us = flow.started_us;
  out.client_address = flow.client_address;
  out.server_address = flow.server_address;
  out.scheme = flow.scheme;
  out.request = Request{flow.request.method, flow.request.url, flow.request.http_version, flow.request.headers,
                        size_only(flow.request.body)};
  if (flow.response) {
    const Response& r = *flow.response;
    out.response = Response{r.status, r.reason, r.http_version, r.headers, size_only(r.body)};
  }
  out.timings = flow.timings;
  out.tunnel = flow.tunnel;
  out.tls = flow.tls;
  if (flow.websocket) {
    // The messages stay out, as the bodies do: a long-lived socket would copy them all.
    const WebSocket& ws = *flow.websocket;
    out.websocket = WebSocket{ws.protocol, ws.extensions, {}, ws.messages_dropped, ws.close,
                              ws.protocol_error};
  }
  out.error = flow.error;
  out.replay_of = flow.replay_of;
  out.redactions = flow.redactions;
  out.served_from = flow.served_from;
  return out;
}

Flow progress_of(const Flow& flow) {
  Flow out;
  out.id = flow.id;
  out.request.body = size_only(flow.request.body);
  if (flow.response) {
    out.response.emplace();
    out.response->body = size_only(flow.response->body);
  }
  return out;
}

}  // namespace flowscope::flow
