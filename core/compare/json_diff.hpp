#pragma once
// Two JSON documents compared field by field: which paths were added, removed or
// changed. Objects are compared key by key and arrays index by index (an element
// inserted at the front shows as every later index changed: positions are what an API
// client reads). Numbers compare by value (1 equals 1.0).
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/compare/json_path.hpp"

namespace flowscope::compare {

enum class ChangeKind { kAdded, kRemoved, kChanged };

struct FieldChange {
  JsonPath path;
  ChangeKind kind = ChangeKind::kChanged;
  std::string before;  // compact JSON, cut to kValuePreviewBytes with "…"; empty when added
  std::string after;   // the same; empty when removed
};

inline constexpr std::size_t kValuePreviewBytes = 120;
// A body that differs everywhere lists this many changes and counts the rest.
inline constexpr std::size_t kMaxFieldChanges = 1000;

struct JsonDiff {
  std::vector<FieldChange>
      changes;                 // per object: its keys in sorted order, then keys only `after` has
  std::size_t not_listed = 0;  // changes beyond kMaxFieldChanges
  bool empty() const { return changes.empty() && not_listed == 0; }
};

// Paths that any of `ignored` covers are skipped, with everything below them.
JsonDiff diff_json(const nlohmann::json& before, const nlohmann::json& after,
                   std::span<const FieldPattern> ignored);

// Compact JSON of `value`, cut (at a UTF-8 boundary) to `max_bytes` with "…" after.
std::string json_preview(const nlohmann::json& value, std::size_t max_bytes = kValuePreviewBytes);

}  // namespace flowscope::compare
