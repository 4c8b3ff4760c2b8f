#include "gui/model/breakpoint_hook.hpp"

namespace flowscope::gui {

BreakpointHook::BreakpointHook(std::shared_ptr<Breakpoints> breakpoints, std::shared_ptr<PausedList> paused)
    : breakpoints_(std::move(breakpoints)), paused_(std::move(paused)) {}

proxy::HookAnswer BreakpointHook::on_hook(proxy::HookPoint point, flow::Flow& flow) {
  switch (point) {
    case proxy::HookPoint::kRequestHead:
      return at_head(Side::kRequest, flow);
    case proxy::HookPoint::kRequestEnd:
      return at_end(Side::kRequest, point, flow);
    case proxy::HookPoint::kResponseHead:
      return at_head(Side::kResponse, flow);
    case proxy::HookPoint::kResponseEnd: {
      // The last point of an exchange: nothing of it may stay remembered.
      release(HeldKey{flow.id, Side::kRequest});
      return at_end(Side::kResponse, point, flow);
    }
  }
  return proxy::HookAnswer::proceed();
}

void BreakpointHook::on_flow(const flow::Flow& flow) {
  release(HeldKey{flow.id, Side::kRequest});
  release(HeldKey{flow.id, Side::kResponse});
  paused_->forget(flow.id);
}

bool BreakpointHook::matches(Side side, const flow::Flow& flow) const {
  return side == Side::kRequest ? breakpoints_->matches_request(flow) : breakpoints_->matches_response(flow);
}

proxy::HookAnswer BreakpointHook::at_head(Side side, const flow::Flow& flow) {
  // A body term cannot be judged from the head: hold, and decide at the end.
  const bool needs_body = side == Side::kRequest ? breakpoints_->request_needs_body() : breakpoints_->response_needs_body();
  if (!needs_body && !matches(side, flow)) return proxy::HookAnswer::proceed();
  std::lock_guard lock(mutex_);
  if (held_.insert(HeldKey{flow.id, side}).second) held_count_.fetch_add(1, std::memory_order_acq_rel);
  return proxy::HookAnswer::hold();
}

proxy::HookAnswer BreakpointHook::at_end(Side side, proxy::HookPoint point, const flow::Flow& flow) {
  if (!release(HeldKey{flow.id, side})) return proxy::HookAnswer::proceed();
  // Asked again whole: the body may now rule it out, or the breakpoint may be gone.
  if (!matches(side, flow)) return proxy::HookAnswer::proceed();
  return proxy::HookAnswer::pause([paused = paused_, point, seen = flow](std::shared_ptr<proxy::PausedExchange> handle) {
    paused->add(point, seen, std::move(handle));
  });
}

bool BreakpointHook::release(const HeldKey& key) {
  if (held_count_.load(std::memory_order_acquire) == 0) return false;
  std::lock_guard lock(mutex_);
  if (held_.erase(key) == 0) return false;
  held_count_.fetch_sub(1, std::memory_order_acq_rel);
  return true;
}

}  // namespace flowscope::gui
