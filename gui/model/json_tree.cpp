#include "gui/model/json_tree.hpp"

#include <nlohmann/json.hpp>

#include "core/compare/json_diff.hpp"

namespace flowscope::gui {
namespace {

using nlohmann::json;

// nlohmann's parser recurses per nesting level, so depth is checked on the text first
// (brackets outside strings) before it is handed the input.
bool nesting_within(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return false;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return true;
}

JsonNode build(const json& value, std::string key) {
  JsonNode node;
  node.key = std::move(key);
  switch (value.type()) {
    case json::value_t::object: node.kind = JsonNode::Kind::kObject; break;
    case json::value_t::array: node.kind = JsonNode::Kind::kArray; break;
    case json::value_t::string: node.kind = JsonNode::Kind::kString; break;
    case json::value_t::boolean: node.kind = JsonNode::Kind::kBool; break;
    case json::value_t::null: node.kind = JsonNode::Kind::kNull; break;
    default: node.kind = JsonNode::Kind::kNumber; break;
  }
  if (!value.is_structured()) {
    node.value_preview = compare::json_preview(value);
    return node;
  }
  const bool object = value.is_object();
  node.value_preview = (object ? "{" : "[") + std::to_string(value.size()) + (object ? "}" : "]");
  node.children.reserve(std::min(value.size(), kMaxJsonChildren + 1));
  std::size_t index = 0;
  for (auto it = value.begin(); it != value.end(); ++it, ++index) {
    if (index == kMaxJsonChildren) {
      JsonNode more;
      more.kind = JsonNode::Kind::kMore;
      more.key = "…";
      more.value_preview = std::to_string(value.size() - index) + " more";
      node.children.push_back(std::move(more));
      break;
    }
    node.children.push_back(build(*it, object ? it.key() : "[" + std::to_string(index) + "]"));
  }
  return node;
}

}  // namespace

Result<JsonNode> parse_json_tree(std::string_view text) {
  if (!nesting_within(text, kMaxJsonDepth))
    return fail("the JSON nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return fail("not valid JSON");
  return build(value, "");
}

std::string pretty_json(std::string_view text) {
  if (!nesting_within(text, kMaxJsonDepth)) return std::string(text);
  json value = json::parse(text, nullptr, false);
  if (value.is_discarded()) return std::string(text);
  // Invalid UTF-8 inside strings is replaced rather than thrown on.
  return value.dump(2, ' ', false, json::error_handler_t::replace);
}

}  // namespace flowscope::gui
