#include "core/proxy/http_stream.hpp"

#include <algorithm>
#include <cstddef>
#include <utility>

#include "core/flow/body.hpp"

namespace flowscope::proxy {

HttpStream::HttpStream(StreamContext& context, std::string id, std::uint64_t connection_id,
                       std::string client_address)
    : context_(context), started_us_(context.clock.monotonic_us()) {
  flow_.id = std::move(id);
  flow_.connection_id = connection_id;
  flow_.started_us = context.clock.wall_us();
  flow_.client_address = std::move(client_address);
}

HookAnswer HttpStream::ask(HookPoint point) {
  if (context_.hook == nullptr) return HookAnswer::proceed();
  HookAnswer answer = context_.hook->on_hook(point, flow_);
  if (answer.kind != HookAnswer::Kind::kPause) return answer;
  if (context_.pauses == nullptr || !answer.take_pause) return HookAnswer::proceed();
  pause_id_ = ++context_.last_pause_id;
  answer.take_pause(context_.pauses->pause_handle(pause_id_));
  return answer;
}

void HttpStream::apply_edit(HookPoint point, const flow::Flow& edited, bool with_body) {
  const bool request = point == HookPoint::kRequestHead || point == HookPoint::kRequestEnd;
  if (request) {
    flow::Body body = std::move(flow_.request.body);
    flow_.request = edited.request;
    if (!with_body) flow_.request.body = std::move(body);
    return;
  }
  if (!edited.response || !flow_.response) return;
  flow::Body body = std::move(flow_.response->body);
  flow_.response = edited.response;
  if (!with_body) flow_.response->body = std::move(body);
}

void HttpStream::live(flow::FlowStage stage) {
  if (!context_.live_events) return;
  const bool heads = stage == flow::FlowStage::kStarted || stage == flow::FlowStage::kResponseHead;
  context_.out.push_back(LiveFlow{{stage, heads ? flow::without_bodies(flow_) : flow::progress_of(flow_)}});
}

void HttpStream::websocket_progress(std::size_t first_new) {
  if (!context_.live_events || !flow_.websocket) return;
  const flow::WebSocket& ws = *flow_.websocket;
  flow::Flow event;
  event.id = flow_.id;
  event.client_address = flow_.client_address;  // which socket, for a console line
  flow::WebSocket& part = event.websocket.emplace();
  part.messages.assign(ws.messages.begin() + static_cast<std::ptrdiff_t>(std::min(first_new, ws.messages.size())),
                       ws.messages.end());
  part.messages_dropped = ws.messages_dropped;
  part.close = ws.close;
  part.protocol_error = ws.protocol_error;
  context_.out.push_back(LiveFlow{{flow::FlowStage::kWebSocketMessage, std::move(event)}});
}

HookAnswer HttpStream::request_head() {
  live(flow::FlowStage::kStarted);
  return ask(HookPoint::kRequestHead);
}

void HttpStream::request_body(std::string_view piece) {
  flow::append_limited(flow_.request.body, piece, context_.config.body_limit);
}

HookAnswer HttpStream::request_end() {
  request_done_us_ = context_.clock.monotonic_us();
  live(flow::FlowStage::kRequestEnd);
  return ask(HookPoint::kRequestEnd);
}

void HttpStream::connected() { connected_us_ = context_.clock.monotonic_us(); }

HookAnswer HttpStream::response_head() {
  response_head_us_ = context_.clock.monotonic_us();
  live(flow::FlowStage::kResponseHead);
  return ask(HookPoint::kResponseHead);
}

void HttpStream::response_body(std::string_view piece) {
  flow::append_limited(flow_.response->body, piece, context_.config.body_limit);
  live(flow::FlowStage::kProgress);
}

HookAnswer HttpStream::response_end() {
  const std::int64_t done = context_.clock.monotonic_us();
  flow_.timings.send = elapsed_ms(connected_us_, request_done_us_);
  flow_.timings.wait = elapsed_ms(request_done_us_, response_head_us_);
  flow_.timings.receive = elapsed_ms(response_head_us_, done);
  return ask(HookPoint::kResponseEnd);
}

void HttpStream::finish(std::string error) {
  if (finished_) return;
  finished_ = true;
  flow_.error = std::move(error);
  // Moved out: nothing reads a stream's flow once it is recorded.
  context_.out.push_back(RecordFlow{std::move(flow_)});
}

}  // namespace flowscope::proxy
