#include "core/server_replay/recording.hpp"

#include <algorithm>
#include <cctype>
#include <system_error>

#include "core/store/har_reader.hpp"
#include "core/store/store_reader.hpp"

namespace flowscope::server_replay {

namespace {

namespace fs = std::filesystem;

bool named_as_har(const fs::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return extension == ".har" || extension == ".json";
}

Result<Recording> load_har(const fs::path& path) {
  auto flows = store::read_har_file(path);
  if (!flows) return std::unexpected(flows.error());
  Recording recording;
  recording.flows = std::move(*flows);
  return recording;
}

Result<Recording> load_store(const fs::path& path) {
  auto reader = store::StoreReader::open(path);
  if (!reader) return std::unexpected(reader.error());
  Recording recording;
  for (const auto& warning : reader->warnings()) recording.warnings.push_back(warning);
  auto walked = reader->for_each([&](std::size_t, Result<flow::Flow> flow) {
    if (!flow) {
      recording.warnings.push_back("skipped: " + flow.error().message);
      ++recording.skipped;
    } else {
      recording.flows.push_back(std::move(*flow));
    }
    return true;
  });
  if (!walked) return std::unexpected(walked.error());
  return recording;
}

}  // namespace

Result<Recording> load_recording(const fs::path& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) {
    return fail("cannot read the recording " + path.string() +
                ": no such file (make one with flowscope record -o FILE.har -- CMD)");
  }
  if (fs::is_directory(status)) {
    return fail("the recording " + path.string() + " is a directory: pass a .har file or a .jsonl store");
  }
  if (named_as_har(path)) return load_har(path);
  auto recording = load_store(path);
  if (!recording || !recording->flows.empty() || recording->skipped == 0) return recording;
  // Not one line was a flow record: perhaps a HAR under another name.
  if (auto har = load_har(path)) return har;
  return fail(path.string() + " is neither a flowscope JSON Lines store (" + std::to_string(recording->skipped) +
              " lines, none a flow record) nor a HAR file: pass a file made by flowscope record or run -w, "
              "or a HAR export");
}

std::size_t keep_matching(Recording& recording, const filter::Filter& filter) {
  return std::erase_if(recording.flows, [&](const flow::Flow& flow) { return !filter.matches(flow); });
}

}  // namespace flowscope::server_replay
