#include "core/compare/json_diff.hpp"

#include <algorithm>

namespace flowscope::compare {

namespace {

using nlohmann::json;

class Walker {
 public:
  explicit Walker(std::span<const FieldPattern> ignored) : ignored_(ignored) {}

  void walk(const json& before, const json& after) {
    if (is_ignored()) return;
    if (before.is_object() && after.is_object()) {
      for (const auto& [key, value] : before.items()) {
        path_.push_back(PathStep::of_key(key));
        if (auto found = after.find(key); found != after.end()) {
          walk(value, *found);
        } else {
          report(ChangeKind::kRemoved, &value, nullptr);
        }
        path_.pop_back();
      }
      for (const auto& [key, value] : after.items()) {
        if (before.contains(key)) continue;
        path_.push_back(PathStep::of_key(key));
        report(ChangeKind::kAdded, nullptr, &value);
        path_.pop_back();
      }
      return;
    }
    if (before.is_array() && after.is_array()) {
      const std::size_t common = std::min(before.size(), after.size());
      for (std::size_t i = 0; i < std::max(before.size(), after.size()); ++i) {
        path_.push_back(PathStep::of_index(i));
        if (i < common) {
          walk(before[i], after[i]);
        } else if (i < before.size()) {
          report(ChangeKind::kRemoved, &before[i], nullptr);
        } else {
          report(ChangeKind::kAdded, nullptr, &after[i]);
        }
        path_.pop_back();
      }
      return;
    }
    if (before != after) report(ChangeKind::kChanged, &before, &after);
  }

  JsonDiff take() { return std::move(diff_); }

 private:
  bool is_ignored() const {
    return std::any_of(ignored_.begin(), ignored_.end(),
                       [&](const FieldPattern& p) { return p.covers(path_); });
  }

  void report(ChangeKind kind, const json* before, const json* after) {
    if (is_ignored()) return;
    if (diff_.changes.size() >= kMaxFieldChanges) {
      ++diff_.not_listed;
      return;
    }
    diff_.changes.push_back(FieldChange{path_, kind, before ? json_preview(*before) : std::string(),
                                        after ? json_preview(*after) : std::string()});
  }

  std::span<const FieldPattern> ignored_;
  JsonPath path_;
  JsonDiff diff_;
};

}  // namespace

JsonDiff diff_json(const json& before, const json& after, std::span<const FieldPattern> ignored) {
  Walker walker(ignored);
  walker.walk(before, after);
  return walker.take();
}

std::string json_preview(const json& value, std::size_t max_bytes) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() <= max_bytes) return text;
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text + "…";
}

}  // namespace flowscope::compare
