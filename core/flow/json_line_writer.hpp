#pragma once
// Flow -> one record of the JSON Lines store (docs/flow-format.md), written straight
// into a string without building a JSON DOM: this is the store's hot path.
#include <string>

#include "core/flow/flow.hpp"

namespace flowscope::flow {

// One compact record terminated by '\n', keys in a stable reading order ("format"
// first). Never throws on any byte content.
std::string to_json_line(const Flow& flow);
// The same line appended to `out`, for writers that batch lines in one buffer.
void append_json_line(const Flow& flow, std::string& out);

}  // namespace flowscope::flow
