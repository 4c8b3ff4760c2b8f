#pragma once
// The flow record built with nlohmann::json, field by field from docs/flow-format.md.
// It is the oracle the store's fast line writer (core/flow/json_line_writer) is held
// against: slow, but simple enough to check by reading.
#include <nlohmann/json.hpp>

#include "core/flow/flow.hpp"

namespace flowscope::flow::testing {

nlohmann::json oracle_json(const Flow& flow);

}  // namespace flowscope::flow::testing
