#pragma once
// One record of the JSON Lines store (docs/flow-format.md) -> Flow. Reading never
// throws: a damaged or foreign record is an error value that names the field.
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/flow/flow.hpp"
#include "core/result.hpp"

namespace flowscope::flow {

// A record already parsed into a DOM.
Result<Flow> flow_from_json(const nlohmann::json& record);
// Accepts a line with or without its trailing '\n' (and a '\r' before it).
Result<Flow> parse_json_line(std::string_view line);
// Like parse_json_line, but leaves every body's `data` empty (size and truncated are
// kept): for listing flows without holding their bodies.
Result<Flow> parse_json_line_head(std::string_view line);

}  // namespace flowscope::flow
