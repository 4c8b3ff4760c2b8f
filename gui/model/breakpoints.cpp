#include "gui/model/breakpoints.hpp"

#include <algorithm>
#include <mutex>
#include <utility>

namespace flowscope::gui {

const char* break_on_name(BreakOn on) {
  switch (on) {
    case BreakOn::kRequest:
      return "request";
    case BreakOn::kResponse:
      return "response";
    case BreakOn::kBoth:
      return "both";
  }
  return "request";
}

std::optional<std::string> Breakpoints::add(std::string expression, BreakOn on) {
  auto compiled = filter::Filter::compile(expression);
  if (!compiled) return compiled.error().message;
  std::unique_lock lock(mutex_);
  entries_.push_back(Entry{Breakpoint{std::move(expression), on, true}, std::move(*compiled)});
  recount();
  return std::nullopt;
}

void Breakpoints::remove(std::size_t index) {
  std::unique_lock lock(mutex_);
  if (index >= entries_.size()) return;
  entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(index));
  recount();
}

void Breakpoints::set_enabled(std::size_t index, bool enabled) {
  std::unique_lock lock(mutex_);
  if (index >= entries_.size()) return;
  entries_[index].breakpoint.enabled = enabled;
  recount();
}

std::vector<Breakpoint> Breakpoints::list() const {
  std::shared_lock lock(mutex_);
  std::vector<Breakpoint> out;
  out.reserve(entries_.size());
  for (const Entry& entry : entries_) out.push_back(entry.breakpoint);
  return out;
}

bool Breakpoints::matches_request(const flow::Flow& flow) const { return matches(Side::kRequest, flow); }
bool Breakpoints::matches_response(const flow::Flow& flow) const { return matches(Side::kResponse, flow); }
bool Breakpoints::request_needs_body() const { return needs_body(Side::kRequest); }
bool Breakpoints::response_needs_body() const { return needs_body(Side::kResponse); }

namespace {

bool applies(BreakOn on, bool request_side) {
  if (on == BreakOn::kBoth) return true;
  return request_side ? on == BreakOn::kRequest : on == BreakOn::kResponse;
}

}  // namespace

bool Breakpoints::matches(Side side, const flow::Flow& flow) const {
  if (enabled_count_.load(std::memory_order_acquire) == 0) return false;
  std::shared_lock lock(mutex_);
  return std::any_of(entries_.begin(), entries_.end(), [&](const Entry& entry) {
    return entry.breakpoint.enabled && applies(entry.breakpoint.on, side == Side::kRequest) &&
           entry.filter.matches(flow);
  });
}

bool Breakpoints::needs_body(Side side) const {
  if (enabled_count_.load(std::memory_order_acquire) == 0) return false;
  std::shared_lock lock(mutex_);
  return std::any_of(entries_.begin(), entries_.end(), [&](const Entry& entry) {
    return entry.breakpoint.enabled && applies(entry.breakpoint.on, side == Side::kRequest) &&
           entry.filter.reads_bodies();
  });
}

void Breakpoints::recount() {
  auto enabled = std::count_if(entries_.begin(), entries_.end(), [](const Entry& e) { return e.breakpoint.enabled; });
  enabled_count_.store(static_cast<std::size_t>(enabled), std::memory_order_release);
}

}  // namespace flowscope::gui
