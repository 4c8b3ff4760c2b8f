#pragma once
// Two flows side by side (a replay and its original, or any two picked): one row per
// thing either side has, flagged when they differ. Bodies compare field by field
// when both are JSON (core/compare), else by size and SHA-256.
#include <string>
#include <vector>

#include "core/flow/flow.hpp"

namespace flowscope::gui {

struct DiffRow {
  enum class Section { kRequest, kRequestHeader, kResponse, kResponseHeader, kRequestBody, kResponseBody };
  Section section = Section::kRequest;
  std::string name;   // "method", "url", "status", a header name, a JSON path, "body"
  std::string left;   // empty when the left side lacks it
  std::string right;
  bool changed = false;
};

std::vector<DiffRow> flow_pair_diff(const flow::Flow& left, const flow::Flow& right);

}  // namespace flowscope::gui
