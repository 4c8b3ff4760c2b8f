#include "core/server_replay/body_shape.hpp"

#include <algorithm>
#include <cctype>
#include <tuple>

#include "core/http/message.hpp"

namespace flowscope::server_replay {

namespace {

using store::har::NameValue;

bool contains_ci(std::string_view text, std::string_view word) {
  return std::search(text.begin(), text.end(), word.begin(), word.end(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
         }) != text.end();
}

}  // namespace

BodyShape body_shape(const flow::Request& request, const MatchRules& rules) {
  BodyShape shape;
  shape.bytes = request.body.data;
  shape.size = request.body.size;
  shape.truncated = request.body.truncated;
  // A cut body cannot be parsed, and an encoded one (Content-Encoding on a request is
  // rare) is only comparable as the bytes that were sent.
  if (shape.truncated || request.headers.find("Content-Encoding") != nullptr) return shape;
  const std::string* type = request.headers.find("Content-Type");
  if (type == nullptr) return shape;
  if (contains_ci(*type, "json")) {
    // No exceptions: a body that claims JSON and is not compares as bytes.
    nlohmann::json parsed = nlohmann::json::parse(shape.bytes, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_discarded()) {
      shape.kind = BodyShape::Kind::kJson;
      shape.json = std::move(parsed);
    }
  } else if (contains_ci(*type, "application/x-www-form-urlencoded")) {
    shape.kind = BodyShape::Kind::kForm;
    shape.fields = store::har::parse_form_urlencoded(shape.bytes);
    std::erase_if(shape.fields, [&](const NameValue& field) { return rules.ignored_params.contains(field.name); });
    std::sort(shape.fields.begin(), shape.fields.end(), [](const NameValue& a, const NameValue& b) {
      return std::tie(a.name, a.value) < std::tie(b.name, b.value);
    });
  }
  return shape;
}

bool same_body(const BodyShape& recorded, const BodyShape& live) {
  if (recorded.truncated || live.truncated) {
    if (recorded.size != live.size) return false;
    const std::size_t common = std::min(recorded.bytes.size(), live.bytes.size());
    return recorded.bytes.compare(0, common, live.bytes, 0, common) == 0;
  }
  if (recorded.kind == live.kind) {
    switch (recorded.kind) {
      case BodyShape::Kind::kJson: return recorded.json == live.json;
      case BodyShape::Kind::kForm: return recorded.fields == live.fields;
      case BodyShape::Kind::kBytes: break;
    }
  }
  return recorded.bytes == live.bytes;
}

}  // namespace flowscope::server_replay
