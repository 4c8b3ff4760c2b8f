#include "core/store/recording_reader.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/http/message.hpp"
#include "core/store/har_reader.hpp"
#include "core/store/store_reader.hpp"

namespace flowscope::store {

Result<RecordingFormat> recording_format(const std::filesystem::path& path) {
  const std::string extension = path.extension().string();
  if (http::iequals(extension, ".har")) return RecordingFormat::kHar;
  if (http::iequals(extension, ".jsonl") || http::iequals(extension, ".ndjson"))
    return RecordingFormat::kStore;
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot open " + path.string() + ": " + std::strerror(errno));
  std::string first_line;
  std::getline(in, first_line);
  const auto record = nlohmann::json::parse(first_line, nullptr, /*allow_exceptions=*/false);
  if (record.is_object() && record.contains("format")) return RecordingFormat::kStore;
  return RecordingFormat::kHar;
}

namespace {

Result<RecordingSummary> visit_store(const std::filesystem::path& path,
                                     const std::function<void(flow::Flow&&)>& visit,
                                     const RecordingReadOptions& options) {
  auto reader = StoreReader::open(path);
  if (!reader) return std::unexpected(reader.error());
  if (options.warn)
    for (const auto& warning : reader->warnings()) options.warn(warning);
  RecordingSummary summary{RecordingFormat::kStore, 0, 0};
  auto walked = reader->for_each(
      [&](std::size_t, Result<flow::Flow> flow) {
        if (!flow) {
          ++summary.skipped;
          if (options.warn) options.warn("skipped: " + flow.error().message);
          return true;
        }
        ++summary.flows;
        visit(std::move(*flow));
        return true;
      },
      options.bodies ? StoreReader::Bodies::kInclude : StoreReader::Bodies::kSkip);
  if (!walked) return std::unexpected(walked.error());
  return summary;
}

}  // namespace

Result<RecordingSummary> for_each_recorded_flow(const std::filesystem::path& path,
                                                const std::function<void(flow::Flow&&)>& visit,
                                                const RecordingReadOptions& options) {
  auto format = recording_format(path);
  if (!format) return std::unexpected(format.error());
  if (*format == RecordingFormat::kStore) return visit_store(path, visit, options);
  auto count = read_har_file(path, [&](flow::Flow&& flow) -> Result<void> {
    visit(std::move(flow));
    return {};
  });
  if (!count) {
    // read_har_file's message names the file already.
    return fail(count.error().message +
                " (flowscope reads JSON Lines stores, from run -w, and HAR files)");
  }
  return RecordingSummary{RecordingFormat::kHar, *count, 0};
}

Result<std::vector<flow::Flow>> read_recording(const std::filesystem::path& path,
                                               const RecordingReadOptions& options) {
  std::vector<flow::Flow> flows;
  auto read = for_each_recorded_flow(
      path, [&](flow::Flow&& flow) { flows.push_back(std::move(flow)); }, options);
  if (!read) return std::unexpected(read.error());
  return flows;
}

}  // namespace flowscope::store
