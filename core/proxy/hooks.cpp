#include "core/proxy/hooks.hpp"

namespace flowscope::proxy {

const char* hook_point_name(HookPoint point) {
  switch (point) {
    case HookPoint::kRequestHead: return "request head";
    case HookPoint::kRequestEnd: return "request end";
    case HookPoint::kResponseHead: return "response head";
    case HookPoint::kResponseEnd: return "response end";
  }
  return "?";
}

HookAnswer HookChain::on_hook(HookPoint point, flow::Flow& flow) {
  bool modified = false;
  for (const auto& hook : hooks_) {
    HookAnswer answer = hook->on_hook(point, flow);
    if (answer.kind == HookAnswer::Kind::kModified) {
      modified = true;
    } else if (answer.kind != HookAnswer::Kind::kContinue) {
      return answer;
    }
  }
  return modified ? HookAnswer::modified() : HookAnswer::proceed();
}

}  // namespace flowscope::proxy
