#include "gui/model/flow_list.hpp"

#include <algorithm>
#include <utility>

namespace flowscope::gui {

namespace {

// Past this many changed rows a frame, one sort is cheaper than that many inserts.
constexpr std::size_t kIncrementalLimit = 1024;

template <class T>
int three_way(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

int compare_rows(const FlowRow& a, const FlowRow& b, Column column) {
  switch (column) {
    case Column::kNumber: return three_way(a.number, b.number);
    case Column::kTime: return three_way(a.started_us, b.started_us);
    case Column::kMethod: return a.method.compare(b.method);
    case Column::kHost: return a.host.compare(b.host);
    case Column::kPath: return a.path.compare(b.path);
    case Column::kStatus: return three_way(a.status, b.status);
    case Column::kType: return a.type.compare(b.type);
    case Column::kRequestSize: return three_way(a.request_size, b.request_size);
    case Column::kResponseSize: return three_way(a.response_size, b.response_size);
    case Column::kDuration: return three_way(a.duration_ms, b.duration_ms);
  }
  return 0;
}

// The path without its query, for matching a scope by segments.
std::string_view path_only(std::string_view path) { return path.substr(0, path.find('?')); }

}  // namespace

void FlowList::apply(const LiveItem& item) {
  if (const auto* event = std::get_if<flow::FlowEvent>(&item)) apply_event(*event);
  else if (const auto* finished = std::get_if<FinishedFlow>(&item)) upsert(finished->flow, true);
}

void FlowList::add(flow::Flow flow) { upsert(std::move(flow), true); }

// Each stage carries only what it adds (core/flow/flow_event.hpp), so it is merged
// into the flow held, never swapped for it.
void FlowList::apply_event(const flow::FlowEvent& event) {
  const flow::Flow& update = event.flow;
  if (event.stage == flow::FlowStage::kStarted) {
    if (by_id_.count(update.id) == 0) upsert(update, false);
    return;
  }
  auto found = by_id_.find(update.id);
  // Unseen: cleared or erased while in flight; its finished flow may still come back.
  if (found == by_id_.end() || finished_[found->second]) return;
  flow::Flow& held = flows_[found->second];
  switch (event.stage) {
    case flow::FlowStage::kStarted: break;
    case flow::FlowStage::kRequestEnd: held.request.body.size = update.request.body.size; break;
    case flow::FlowStage::kResponseHead:
      held.request.headers = update.request.headers;
      held.response = update.response;
      break;
    case flow::FlowStage::kProgress:
      held.request.body.size = update.request.body.size;
      if (update.response) {
        if (!held.response) held.response.emplace();
        held.response->body.size = update.response->body.size;
      }
      break;
    case flow::FlowStage::kWebSocketMessage:
      if (update.websocket) {
        if (!held.websocket) held.websocket.emplace();
        auto& messages = held.websocket->messages;
        messages.insert(messages.end(), update.websocket->messages.begin(), update.websocket->messages.end());
        if (update.websocket->close) held.websocket->close = update.websocket->close;
      }
      break;
  }
  rows_[found->second] = make_row(held, rows_[found->second].number, false);
  touched(found->second);
}

void FlowList::upsert(flow::Flow flow, bool finished) {
  auto found = by_id_.find(flow.id);
  if (found != by_id_.end()) {
    const std::size_t index = found->second;
    rows_[index] = make_row(flow, rows_[index].number, finished);
    flows_[index] = std::move(flow);
    finished_[index] = finished;
    touched(index);
    return;
  }
  const std::size_t index = flows_.size();
  rows_.push_back(make_row(flow, next_number_++, finished));
  by_id_.emplace(flow.id, index);
  flows_.push_back(std::move(flow));
  finished_.push_back(finished);
  matches_.push_back(0);
  touched(index);
}

void FlowList::touched(std::size_t index) { changed_.push_back(index); }

void FlowList::clear() {
  flows_.clear();
  rows_.clear();
  finished_.clear();
  by_id_.clear();
  matches_.clear();
  changed_.clear();
  visible_.clear();
  ++removals_;
  stale_ = true;
}

bool FlowList::erase(std::string_view id) {
  auto index = index_of(id);
  if (!index) return false;
  flows_.erase(flows_.begin() + static_cast<std::ptrdiff_t>(*index));
  rows_.erase(rows_.begin() + static_cast<std::ptrdiff_t>(*index));
  finished_.erase(finished_.begin() + static_cast<std::ptrdiff_t>(*index));
  matches_.erase(matches_.begin() + static_cast<std::ptrdiff_t>(*index));
  rebuild_index();
  changed_.clear();
  ++removals_;
  stale_ = true;
  return true;
}

void FlowList::rebuild_index() {
  by_id_.clear();
  for (std::size_t i = 0; i < flows_.size(); ++i) by_id_.emplace(flows_[i].id, i);
}

std::optional<std::size_t> FlowList::index_of(std::string_view id) const {
  auto found = by_id_.find(std::string(id));
  if (found == by_id_.end()) return std::nullopt;
  return found->second;
}

const flow::Flow* FlowList::find(std::string_view id) const {
  auto index = index_of(id);
  return index ? &flows_[*index] : nullptr;
}

std::optional<FilterProblem> FlowList::set_filter(std::string_view expression) {
  if (expression.find_first_not_of(" \t") == std::string_view::npos) {
    if (!filter_ && filter_text_.empty()) return std::nullopt;
    filter_.reset();
    filter_text_.clear();
    stale_ = true;
    return std::nullopt;
  }
  if (filter_ && expression == filter_text_) return std::nullopt;
  auto compiled = filter::Filter::compile_with_position(expression);
  if (!compiled) return FilterProblem{compiled.error().message, compiled.error().column};
  filter_ = std::move(*compiled);
  filter_text_ = std::string(expression);
  stale_ = true;
  return std::nullopt;
}

void FlowList::set_scope(std::string host, std::string path_prefix) {
  if (host.empty()) path_prefix.clear();
  while (path_prefix.size() > 1 && path_prefix.back() == '/') path_prefix.pop_back();
  if (path_prefix == "/") path_prefix.clear();
  if (host == scope_host_ && path_prefix == scope_path_) return;
  scope_host_ = std::move(host);
  scope_path_ = std::move(path_prefix);
  stale_ = true;
}

void FlowList::sort_by(Column column, bool ascending) {
  if (column == sort_column_ && ascending == ascending_) return;
  sort_column_ = column;
  ascending_ = ascending;
  stale_ = true;
}

bool FlowList::in_view(std::size_t index) const {
  const FlowRow& row = rows_[index];
  if (!scope_host_.empty()) {
    if (row.host != scope_host_) return false;
    if (!scope_path_.empty()) {
      std::string_view path = path_only(row.path);
      // By whole segments: /api scopes /api and /api/x, not /apix.
      if (!path.starts_with(scope_path_)) return false;
      if (path.size() > scope_path_.size() && path[scope_path_.size()] != '/') return false;
    }
  }
  return !filter_ || filter_->matches(flows_[index]);
}

bool FlowList::before(std::size_t a, std::size_t b) const {
  const FlowRow& left = rows_[a];
  const FlowRow& right = rows_[b];
  int order = compare_rows(left, right, sort_column_);
  if (order != 0) return ascending_ ? order < 0 : order > 0;
  // Ties keep arrival order whichever way the column sorts.
  return left.number < right.number;
}

const std::vector<std::size_t>& FlowList::visible() {
  if (!stale_ && changed_.empty()) return visible_;
  auto by_order = [this](std::size_t a, std::size_t b) { return before(a, b); };
  if (!stale_) {
    std::sort(changed_.begin(), changed_.end());
    changed_.erase(std::unique(changed_.begin(), changed_.end()), changed_.end());
  }
  if (!stale_ && changed_.size() <= kIncrementalLimit) {
    // Take each changed row out (its sort key may have moved), then put the ones that
    // match back where they now belong.
    for (std::size_t index : changed_) {
      if (!matches_[index]) continue;
      auto at = std::find(visible_.begin(), visible_.end(), index);
      if (at != visible_.end()) visible_.erase(at);
    }
    for (std::size_t index : changed_) {
      matches_[index] = in_view(index);
      if (matches_[index])
        visible_.insert(std::upper_bound(visible_.begin(), visible_.end(), index, by_order), index);
    }
  } else {
    if (stale_) {
      for (std::size_t i = 0; i < rows_.size(); ++i) matches_[i] = in_view(i);
    } else {
      for (std::size_t index : changed_) matches_[index] = in_view(index);
    }
    visible_.clear();
    for (std::size_t i = 0; i < rows_.size(); ++i)
      if (matches_[i]) visible_.push_back(i);
    std::stable_sort(visible_.begin(), visible_.end(), by_order);
  }
  changed_.clear();
  stale_ = false;
  return visible_;
}

}  // namespace flowscope::gui
