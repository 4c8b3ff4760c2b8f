#pragma once
// A recording, for the commands that read one (show, diff, replay): a JSON Lines store
// (flowscope run -w) or a HAR file (flowscope's, a browser's, mitmproxy's), told apart
// by the extension (.har; .jsonl or .ndjson) or else by the first line: a store record
// has "format", anything else is read as HAR.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/flow/flow.hpp"
#include "core/result.hpp"

namespace flowscope::store {

enum class RecordingFormat { kStore, kHar };

struct RecordingSummary {
  RecordingFormat format = RecordingFormat::kStore;
  std::size_t flows = 0;    // handed to the visitor
  std::size_t skipped = 0;  // store records that could not be read (each one a warning)
};

struct RecordingReadOptions {
  // false: every body's data is left empty (sizes kept), for listing a big store fast.
  // HAR entries are parsed whole either way.
  bool bodies = true;
  // Told about torn last lines and unreadable records, which are skipped, one sentence each.
  std::function<void(const std::string&)> warn;
};

// Which of the two `path` is, by its extension or else its first line. An error means
// the file could not be opened; it names the file.
Result<RecordingFormat> recording_format(const std::filesystem::path& path);

// Hands each flow to `visit` in file order, holding one at a time. An error means the
// file could not be read at all (missing, not a HAR, I/O); it names the file.
Result<RecordingSummary> for_each_recorded_flow(const std::filesystem::path& path,
                                                const std::function<void(flow::Flow&&)>& visit,
                                                const RecordingReadOptions& options = {});

// The whole recording in memory.
Result<std::vector<flow::Flow>> read_recording(const std::filesystem::path& path,
                                               const RecordingReadOptions& options = {});

}  // namespace flowscope::store
