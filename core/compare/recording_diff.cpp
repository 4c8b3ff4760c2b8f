#include "core/compare/recording_diff.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <utility>

namespace flowscope::compare {

namespace {

using Key = std::pair<std::string, std::string>;  // method, URL

Key key_of(const flow::Flow& flow) {
  return {flow.request.method, flow.request.url};
}

}  // namespace

std::size_t RecordingDiff::changed() const {
  return static_cast<std::size_t>(std::count_if(
      paired.begin(), paired.end(), [](const PairedExchange& p) { return p.diff.changed(); }));
}

RecordingDiff diff_recordings(const std::vector<flow::Flow>& before,
                              const std::vector<flow::Flow>& after, const CompareOptions& options) {
  // The second recording's flows per key, in order: the n-th lookup of a key takes the n-th.
  std::map<Key, std::deque<std::size_t>> waiting;
  for (std::size_t i = 0; i < after.size(); ++i) waiting[key_of(after[i])].push_back(i);

  RecordingDiff diff;
  std::vector<bool> taken(after.size(), false);
  std::map<Key, std::size_t> seen;
  for (std::size_t i = 0; i < before.size(); ++i) {
    const Key key = key_of(before[i]);
    const std::size_t occurrence = ++seen[key];
    auto found = waiting.find(key);
    if (found == waiting.end() || found->second.empty()) {
      diff.removed.push_back({i, occurrence});
      continue;
    }
    const std::size_t partner = found->second.front();
    found->second.pop_front();
    taken[partner] = true;
    diff.paired.push_back(
        {i, partner, occurrence, compare_exchanges(before[i], after[partner], options)});
  }
  std::map<Key, std::size_t> seen_after;
  for (std::size_t i = 0; i < after.size(); ++i) {
    const std::size_t occurrence = ++seen_after[key_of(after[i])];
    if (!taken[i]) diff.added.push_back({i, occurrence});
  }
  return diff;
}

std::string exchange_label(const flow::Flow& flow, std::size_t occurrence) {
  std::string label = flow.request.method + " " + flow.request.url;
  if (occurrence > 1) label += " (#" + std::to_string(occurrence) + ")";
  return label;
}

}  // namespace flowscope::compare
