#include "core/server_replay/recording.hpp"

#include <system_error>

#include "core/store/recording_reader.hpp"

namespace flowscope::server_replay {

Result<Recording> load_recording(const std::filesystem::path& path) {
  // The two mistakes people make most get their own words; the rest is the reader's.
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) {
    return fail("cannot read the recording " + path.string() +
                ": no such file (make one with flowscope record -o FILE.har -- CMD)");
  }
  if (std::filesystem::is_directory(status)) {
    return fail("the recording " + path.string() + " is a directory: pass a .har file or a .jsonl store");
  }
  Recording recording;
  store::RecordingReadOptions options;
  options.warn = [&](const std::string& warning) { recording.warnings.push_back(warning); };
  auto read = store::for_each_recorded_flow(
      path, [&](flow::Flow&& flow) { recording.flows.push_back(std::move(flow)); }, options);
  if (!read) return std::unexpected(read.error());
  recording.skipped = read->skipped;
  return recording;
}

std::size_t keep_matching(Recording& recording, const filter::Filter& filter) {
  return std::erase_if(recording.flows, [&](const flow::Flow& flow) { return !filter.matches(flow); });
}

}  // namespace flowscope::server_replay
