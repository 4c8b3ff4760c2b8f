#include "core/store/har_redactions.hpp"

#include <string>

#include "core/store/har_json.hpp"

namespace flowscope::store::har {

using nlohmann::json;
using nlohmann::ordered_json;

ordered_json redactions_json(const std::vector<flow::Redaction>& notes) {
  ordered_json out = ordered_json::array();
  for (const flow::Redaction& note : notes) {
    ordered_json item = ordered_json::object();
    item["where"] = flow::redaction_place_name(note.where);
    item["name"] = note.name;
    item["originalLength"] = note.original_length;
    if (!note.content_encoding.empty()) item["contentEncoding"] = note.content_encoding;
    out.push_back(std::move(item));
  }
  return out;
}

Result<std::vector<flow::Redaction>> redactions_from_har(const json& ours, std::string_view where) {
  std::vector<flow::Redaction> notes;
  const json* list = member(ours, "redactions");
  if (!list) return notes;
  const std::string at = std::string(where) + "._flowscope.redactions";
  if (!list->is_array()) return fail(at + " is not an array");
  for (std::size_t i = 0; i < list->size(); ++i) {
    const json& item = (*list)[i];
    const std::string item_at = at + "[" + std::to_string(i) + "]";
    auto place_name = string_at(item, "where");
    auto place = place_name ? flow::parse_redaction_place(*place_name) : std::nullopt;
    if (!place) {
      return fail(item_at + ".where is not request_header, response_header, query, request_body or response_body");
    }
    auto length = size_at(item, "originalLength");
    if (!length) return fail(item_at + ".originalLength is missing or not a size");
    notes.push_back(flow::Redaction{*place, string_at(item, "name").value_or(""), *length,
                                    string_at(item, "contentEncoding").value_or("")});
  }
  return notes;
}

}  // namespace flowscope::store::har
