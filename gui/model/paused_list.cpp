#include "gui/model/paused_list.hpp"

#include <algorithm>
#include <optional>
#include <utility>

namespace flowscope::gui {

PausedList::PausedList(std::chrono::milliseconds timeout, Clock clock)
    : timeout_(timeout), clock_(std::move(clock)) {}

std::uint64_t PausedList::add(proxy::HookPoint point, flow::Flow flow, std::shared_ptr<proxy::PausedExchange> handle) {
  const auto deadline = clock_() + timeout_;
  std::lock_guard lock(mutex_);
  const std::uint64_t ticket = ++last_ticket_;
  entries_.push_back(Entry{PausedItem{ticket, point, std::move(flow), deadline}, std::move(handle)});
  return ticket;
}

std::vector<PausedItem> PausedList::snapshot() const {
  std::lock_guard lock(mutex_);
  std::vector<PausedItem> out;
  out.reserve(entries_.size());
  for (const Entry& entry : entries_) out.push_back(entry.item);
  return out;
}

std::size_t PausedList::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

bool PausedList::resume(std::uint64_t ticket, Decision decision) {
  std::shared_ptr<proxy::PausedExchange> handle;
  {
    std::lock_guard lock(mutex_);
    auto it = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.item.ticket == ticket; });
    if (it == entries_.end()) return false;
    handle = std::move(it->handle);
    entries_.erase(it);
  }
  // Outside the lock: resume posts to the exchange's loop, and nothing of the list is needed.
  switch (decision.kind) {
    case DecisionKind::kContinue:
      handle->resume(proxy::HookAnswer::proceed());
      break;
    case DecisionKind::kContinueEdited:
      handle->resume(proxy::HookAnswer::modified(), std::move(decision.edited));
      break;
    case DecisionKind::kAnswer:
      handle->resume(proxy::HookAnswer::answer(std::move(decision.response)));
      break;
    case DecisionKind::kAbort:
      handle->resume(proxy::HookAnswer::kill(kAbortReason));
      break;
  }
  return true;
}

void PausedList::expire(std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mutex_);
  std::erase_if(entries_, [now](const Entry& e) { return e.item.deadline <= now; });
}

void PausedList::forget(std::string_view flow_id) {
  std::lock_guard lock(mutex_);
  std::erase_if(entries_, [flow_id](const Entry& e) { return e.item.flow.id == flow_id; });
}

}  // namespace flowscope::gui
