#pragma once
// gui::FlowList: every flow the window knows, live or loaded, and the table's view of
// them: a filter (the shared filter language), a scope from the structure tree, and a
// sort. GUI thread only. Rows are computed once per flow change; the visible order is
// rebuilt lazily, and a filter is matched only against flows that changed since.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/filter/filter.hpp"
#include "core/flow/flow.hpp"
#include "gui/model/flow_row.hpp"
#include "gui/model/live_queue.hpp"

namespace flowscope::gui {

enum class Column { kNumber, kTime, kMethod, kHost, kPath, kStatus, kType, kRequestSize, kResponseSize, kDuration };

struct FilterProblem {
  std::string message;
  std::size_t column = 0;  // 0-based byte offset into the expression
};

class FlowList {
 public:
  // FlowEvent kStarted adds a pending row, later stages update it; FinishedFlow
  // replaces it (or adds it if unseen); a Notice is not a flow and is ignored.
  void apply(const LiveItem& item);
  void add(flow::Flow flow);  // a finished flow (from a file)
  void clear();
  bool erase(std::string_view id);

  std::size_t size() const { return flows_.size(); }  // every flow, filtered or not
  const flow::Flow* find(std::string_view id) const;
  // Bumped whenever rows are removed, so a holder of row indices knows to start over.
  std::uint64_t removals() const { return removals_; }

  // "" clears; on error the previous filter stays.
  std::optional<FilterProblem> set_filter(std::string_view expression);
  const std::string& filter() const { return filter_text_; }
  // Only flows of `host` whose path is `path_prefix` or below it; empty host clears.
  void set_scope(std::string host, std::string path_prefix);
  const std::string& scope_host() const { return scope_host_; }
  const std::string& scope_path() const { return scope_path_; }
  void sort_by(Column column, bool ascending);
  Column sort_column() const { return sort_column_; }
  bool sort_ascending() const { return ascending_; }

  // Row indices in display order (filtered, scoped, sorted).
  const std::vector<std::size_t>& visible();
  const FlowRow& row(std::size_t index) const { return rows_[index]; }
  const flow::Flow& flow_at(std::size_t index) const { return flows_[index]; }
  // Index of a flow's row, if it is in the list.
  std::optional<std::size_t> index_of(std::string_view id) const;

 private:
  void apply_event(const flow::FlowEvent& event);
  void upsert(flow::Flow flow, bool finished);
  void touched(std::size_t index);
  bool in_view(std::size_t index) const;
  bool before(std::size_t a, std::size_t b) const;
  void rebuild_index();

  std::vector<flow::Flow> flows_;
  std::vector<FlowRow> rows_;
  std::vector<bool> finished_;
  std::unordered_map<std::string, std::size_t> by_id_;
  std::uint64_t next_number_ = 1;
  std::uint64_t removals_ = 0;

  std::optional<filter::Filter> filter_;
  std::string filter_text_;
  std::string scope_host_, scope_path_;
  Column sort_column_ = Column::kNumber;
  bool ascending_ = true;

  // The view: `matches_` caches in_view() per row; `changed_` lists rows added or
  // updated since visible_ was built. `stale_` forces a full rematch and resort.
  std::vector<std::size_t> visible_;
  std::vector<char> matches_;
  std::vector<std::size_t> changed_;
  bool stale_ = true;
};

}  // namespace flowscope::gui
