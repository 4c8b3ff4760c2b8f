#pragma once
// Reading the recording that server replay answers from: a flowscope JSON Lines store
// (`run -w`, `record -w`) or a HAR file (`record -o`, browsers, Playwright, mitmproxy).
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "core/filter/filter.hpp"
#include "core/flow/flow.hpp"
#include "core/result.hpp"

namespace flowscope::server_replay {

struct Recording {
  std::vector<flow::Flow> flows;  // in recorded order
  std::size_t skipped = 0;        // store lines that could not be read
  std::vector<std::string> warnings;  // one per skipped line, and the store's own (a torn last line)
};

// Read as store::for_each_recorded_flow reads any recording (.har is HAR, .jsonl or
// .ndjson a store, otherwise the first line decides). Unreadable store lines are
// skipped and counted; a HAR is read whole or not at all.
Result<Recording> load_recording(const std::filesystem::path& path);

// Keeps only the flows `filter` matches (serve --filter); returns how many it dropped.
std::size_t keep_matching(Recording& recording, const filter::Filter& filter);

}  // namespace flowscope::server_replay
