#pragma once
// What was redacted (Flow::redactions), in HAR. HAR has no field for it, so flowscope
// keeps it in the entry's `_flowscope.redactions`:
// [{where, name, originalLength, contentEncoding?}], the names of docs/flow-format.md in
// HAR's camelCase. Importing our own HAR gives the notes back; docs/har.md has the mapping.
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/flow/flow.hpp"
#include "core/result.hpp"

namespace flowscope::store::har {

nlohmann::ordered_json redactions_json(const std::vector<flow::Redaction>& notes);

// The notes of `ours` (the entry's `_flowscope`); none when it has no `redactions`.
// `where` names the entry in errors ("log.entries[3]").
Result<std::vector<flow::Redaction>> redactions_from_har(const nlohmann::json& ours, std::string_view where);

}  // namespace flowscope::store::har
