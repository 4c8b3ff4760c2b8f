#pragma once
// HAR import: HAR 1.2 (and 1.1) from flowscope, Chrome and Firefox DevTools,
// mitmproxy and Playwright's recordHar, into Flows. Optional fields may be missing
// and "_" extensions are ignored unless they are flowscope's own; docs/har.md says
// which fields come back and what is lost.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/flow/flow.hpp"
#include "core/result.hpp"

namespace flowscope::store {

// The whole document, all flows in memory.
Result<std::vector<flow::Flow>> read_har(std::string_view json_text);
Result<std::vector<flow::Flow>> read_har_file(const std::filesystem::path& path);

// Streaming: each entry becomes a Flow and is handed to `on_flow` as soon as its
// closing brace is parsed, then dropped, so memory holds one entry at a time. An error
// from `on_flow` stops the import and is returned. The count of flows is returned.
using HarFlowCallback = std::function<Result<void>(flow::Flow&& flow)>;
Result<std::size_t> read_har(std::istream& in, const HarFlowCallback& on_flow);
Result<std::size_t> read_har_file(const std::filesystem::path& path,
                                  const HarFlowCallback& on_flow);

// One log.entries element. `index` (0-based) names the entry in errors and gives
// entries without `_flowscope_id` their id, "har-<index + 1>".
Result<flow::Flow> flow_from_har_entry(const nlohmann::json& entry, std::size_t index);

}  // namespace flowscope::store
