#pragma once
// A JSON body as a collapsible tree, and pretty-printed. Hostile input is bounded:
// nesting deeper than kMaxJsonDepth is refused, and a node lists at most
// kMaxJsonChildren children (the rest are counted in a final "…" node).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace flowscope::gui {

inline constexpr std::size_t kMaxJsonDepth = 200;
inline constexpr std::size_t kMaxJsonChildren = 10000;

struct JsonNode {
  enum class Kind { kObject, kArray, kString, kNumber, kBool, kNull, kMore };
  std::string key;            // the object key, "[3]" for an array element, empty at the root
  std::string value_preview;  // scalars: compact JSON (cut); containers: "{3}" or "[10]"
  Kind kind = Kind::kNull;
  std::vector<JsonNode> children;
};

Result<JsonNode> parse_json_tree(std::string_view text);

// Indented by two spaces; the input unchanged when it is not JSON (or too deep).
std::string pretty_json(std::string_view text);

}  // namespace flowscope::gui
