#pragma once
// gui::PausedList: the exchanges stopped at a breakpoint, waiting for a person. A
// worker thread adds one the moment the engine pauses it (HookAnswer::pause); the GUI
// thread shows them and answers each once through its PausedExchange handle. An
// exchange nobody answers is continued by the engine itself after
// Config::breakpoint_timeout_ms, so the list drops it at the same deadline.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "core/flow/flow.hpp"
#include "core/proxy/hooks.hpp"

namespace flowscope::gui {

enum class DecisionKind { kContinue, kContinueEdited, kAnswer, kAbort };

struct Decision {
  DecisionKind kind = DecisionKind::kContinue;
  flow::Flow edited;               // kContinueEdited: its request or response replaces the paused one
  proxy::LocalResponse response;   // kAnswer
};

struct PausedItem {
  std::uint64_t ticket = 0;  // never 0 for a real item, so 0 can mean "none selected"
  proxy::HookPoint point = proxy::HookPoint::kRequestHead;
  flow::Flow flow;  // as the hook saw it when it paused
  std::chrono::steady_clock::time_point deadline;
};

// What an abort tells the flow's error (recorded as "killed by a hook: ...").
inline constexpr const char* kAbortReason = "aborted at a breakpoint";

class PausedList {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // `timeout` is the engine's Config::breakpoint_timeout_ms; `clock` is injectable for tests.
  explicit PausedList(std::chrono::milliseconds timeout, Clock clock = std::chrono::steady_clock::now);

  // Worker thread: remembers the pause and returns its ticket.
  std::uint64_t add(proxy::HookPoint point, flow::Flow flow, std::shared_ptr<proxy::PausedExchange> handle);
  // Oldest first.
  std::vector<PausedItem> snapshot() const;
  std::size_t size() const;
  // Answers the exchange and forgets it. False when the ticket is unknown: answered
  // already, expired, or never given.
  bool resume(std::uint64_t ticket, Decision decision);
  // Forgets the items whose deadline is at or before `now`: the engine continued them.
  void expire(std::chrono::steady_clock::time_point now);
  // The exchange of `flow_id` ended (its client left, it was killed): drops its items,
  // which no resume can reach any more.
  void forget(std::string_view flow_id);

 private:
  struct Entry {
    PausedItem item;
    std::shared_ptr<proxy::PausedExchange> handle;
  };

  const std::chrono::milliseconds timeout_;
  const Clock clock_;
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
  std::uint64_t last_ticket_ = 0;
};

}  // namespace flowscope::gui
