#pragma once
// gui::BreakpointHook: the engine hook that stops exchanges matching the breakpoint
// list and hands them to the PausedList for a person to answer. A matching message is
// held at its head (the engine reads it whole and sends nothing) and paused at its end,
// so the person can change the whole message, body included. Only held messages pause:
// one whose head went out unheld can no longer be changed whole.
//
// It is also a FlowSink (wants no live events): add it to the engine's sinks as well,
// so an exchange that fails while held (its end point never comes) is forgotten.
#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>

#include "core/flow/sink.hpp"
#include "core/proxy/hooks.hpp"
#include "gui/model/breakpoints.hpp"
#include "gui/model/paused_list.hpp"

namespace flowscope::gui {

class BreakpointHook : public proxy::Hook, public flow::FlowSink {
 public:
  BreakpointHook(std::shared_ptr<Breakpoints> breakpoints, std::shared_ptr<PausedList> paused);

  proxy::HookAnswer on_hook(proxy::HookPoint point, flow::Flow& flow) override;
  void on_flow(const flow::Flow& flow) override;

  // Messages held now and not yet at their end point; for tests.
  std::size_t held_count() const { return held_count_.load(std::memory_order_acquire); }

 private:
  enum class Side { kRequest, kResponse };
  using HeldKey = std::pair<std::string, Side>;

  proxy::HookAnswer at_head(Side side, const flow::Flow& flow);
  proxy::HookAnswer at_end(Side side, proxy::HookPoint point, const flow::Flow& flow);
  bool matches(Side side, const flow::Flow& flow) const;
  bool release(const HeldKey& key);  // true when it was held

  std::shared_ptr<Breakpoints> breakpoints_;
  std::shared_ptr<PausedList> paused_;
  mutable std::mutex mutex_;
  std::set<HeldKey> held_;
  // Checked before the mutex: with nothing held the end points take no lock.
  std::atomic<std::size_t> held_count_{0};
};

}  // namespace flowscope::gui
