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

// A path ending in .har or .json is read as HAR, anything else as a store; a "store"
// none of whose lines is a flow record is tried as HAR too (a HAR by another name).
// A HAR is read whole or not at all: an entry that cannot be read is the error.
Result<Recording> load_recording(const std::filesystem::path& path);

// Keeps only the flows `filter` matches (serve --filter); returns how many it dropped.
std::size_t keep_matching(Recording& recording, const filter::Filter& filter);

}  // namespace flowscope::server_replay
