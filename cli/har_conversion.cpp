#include "cli/har_conversion.hpp"

#include "core/flow/flow.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>

#include "core/flow/content_decoding.hpp"
#include "core/flow/json_line_writer.hpp"
#include "core/store/har_reader.hpp"
#include "core/store/har_writer.hpp"
#include "core/store/store_reader.hpp"

namespace flowscope::cli {

namespace {

// One progress line every second at most, so short jobs stay silent.
class Progress {
 public:
  explicit Progress(const char* verb, std::size_t total) : verb_(verb), total_(total) {}
  void tick(std::size_t done) {
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::seconds(1)) return;
    last_ = now;
    std::fprintf(stderr, "flowscope: %s %zu/%zu flows\n", verb_, done, total_);
  }

 private:
  const char* verb_;
  std::size_t total_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace

Result<ConversionReport> export_har(const std::filesystem::path& store, const std::filesystem::path& har,
                                    const filter::Filter* filter) {
  auto reader = store::StoreReader::open(store);
  if (!reader) return std::unexpected(reader.error());
  for (const auto& warning : reader->warnings()) std::fprintf(stderr, "flowscope: %s\n", warning.c_str());
  store::HarOptions options;
  options.decode_content = [](std::string_view body, std::string_view encoding) {
    return flow::decode_content(body, encoding);
  };
  auto writer = store::HarWriter::open(har, options);
  if (!writer) return std::unexpected(writer.error());
  ConversionReport report;
  Progress progress("exported", reader->size());
  Result<void> failure;
  auto walked = reader->for_each([&](std::size_t index, Result<flow::Flow> flow) {
    if (!flow) {
      std::fprintf(stderr, "flowscope: skipped: %s\n", flow.error().message.c_str());
      ++report.skipped;
      return true;
    }
    progress.tick(index + 1);
    if (filter && !filter->matches(*flow)) {
      ++report.not_matching;
      return true;
    }
    failure = writer->add(*flow);
    if (!failure) return false;
    ++report.flows;
    return true;
  });
  if (!walked) return std::unexpected(walked.error());
  if (!failure) return std::unexpected(failure.error());
  auto finished = writer->finish();
  if (!finished) return std::unexpected(finished.error());
  return report;
}

Result<ConversionReport> import_har(const std::filesystem::path& har, const std::filesystem::path& store) {
  // Parsed whole before anything is written: a bad entry leaves the store untouched.
  auto flows = store::read_har_file(har);
  if (!flows) return std::unexpected(flows.error());
  std::string lines;
  for (const auto& flow : *flows) flow::append_json_line(flow, lines);
  std::ofstream out(store, std::ios::binary | std::ios::app);
  out << lines;
  out.flush();
  if (!out) return fail("cannot append to " + store.string());
  return ConversionReport{flows->size(), 0};
}

}  // namespace flowscope::cli
