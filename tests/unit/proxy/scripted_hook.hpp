#pragma once
// A hook for session tests: answers as the test scripts it.
#include <functional>
#include <vector>

#include "core/proxy/hooks.hpp"

namespace flowscope::proxy::testing {

// Answers with `decide` and remembers which points it was asked at.
class ScriptedHook : public Hook {
 public:
  explicit ScriptedHook(std::function<HookAnswer(HookPoint, flow::Flow&)> decide) : decide_(std::move(decide)) {}
  HookAnswer on_hook(HookPoint point, flow::Flow& flow) override {
    points.push_back(point);
    return decide_(point, flow);
  }
  std::vector<HookPoint> points;

 private:
  std::function<HookAnswer(HookPoint, flow::Flow&)> decide_;
};

}  // namespace flowscope::proxy::testing
