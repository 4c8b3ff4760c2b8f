#pragma once
// gui::Breakpoints: the filter expressions a person set to stop exchanges, each on
// the request, the response or both. The GUI thread edits the list; the engine's
// worker threads match every exchange against it, so an empty list (the usual case)
// costs one atomic load per hook point.
#include <atomic>
#include <cstddef>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "core/filter/filter.hpp"
#include "core/flow/flow.hpp"

namespace flowscope::gui {

enum class BreakOn { kRequest, kResponse, kBoth };

const char* break_on_name(BreakOn on);

struct Breakpoint {
  std::string expression;
  BreakOn on = BreakOn::kRequest;
  bool enabled = true;
};

class Breakpoints {
 public:
  // Compiles `expression` with the filter language; on a parse error nothing is added
  // and the error's message (with its caret line) is returned for the add row.
  std::optional<std::string> add(std::string expression, BreakOn on);
  // Out-of-range indexes are ignored: the GUI may act on a list a frame old.
  void remove(std::size_t index);
  void set_enabled(std::size_t index, bool enabled);
  std::vector<Breakpoint> list() const;

  // Some enabled breakpoint for that side matches the flow as it is now.
  bool matches_request(const flow::Flow& flow) const;
  bool matches_response(const flow::Flow& flow) const;
  // Some enabled breakpoint for that side uses a body term (~b, ~bq, ~bs): at a head
  // point it cannot say no yet, so the hook holds the message and asks again whole.
  bool request_needs_body() const;
  bool response_needs_body() const;

 private:
  struct Entry {
    Breakpoint breakpoint;
    filter::Filter filter;
  };
  enum class Side { kRequest, kResponse };
  bool matches(Side side, const flow::Flow& flow) const;
  bool needs_body(Side side) const;
  void recount();  // with the lock held

  mutable std::shared_mutex mutex_;
  std::vector<Entry> entries_;
  std::atomic<std::size_t> enabled_count_{0};
};

}  // namespace flowscope::gui
