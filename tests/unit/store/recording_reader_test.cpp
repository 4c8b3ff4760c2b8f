// A recording is read the same way whether it is a store or a HAR, and told apart by
// extension or, without one, by its first line.
#include "core/store/recording_reader.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "core/flow/json_line_writer.hpp"
#include "core/store/har_writer.hpp"
#include "tests/unit/flow/flow_test_support.hpp"

namespace flowscope::store {
namespace {

using flow::testing::small_flow;
using flow::testing::TempDir;
using flow::testing::write_file;

std::string store_text(int count) {
  std::string out;
  for (int i = 1; i <= count; ++i)
    out += flow::to_json_line(small_flow(static_cast<std::uint64_t>(i)));
  return out;
}

std::string har_text(int count) {
  std::ostringstream out;
  auto writer = HarWriter::open(out);
  EXPECT_TRUE(writer);
  for (int i = 1; i <= count; ++i)
    EXPECT_TRUE(writer->add(small_flow(static_cast<std::uint64_t>(i))));
  EXPECT_TRUE(writer->finish());
  return out.str();
}

std::vector<std::string> urls_in(const std::filesystem::path& path, RecordingFormat expected) {
  std::vector<std::string> urls;
  auto read = for_each_recorded_flow(path, [&](flow::Flow&& f) { urls.push_back(f.request.url); });
  EXPECT_TRUE(read) << (read ? "" : read.error().message);
  if (read) {
    EXPECT_EQ(read->format, expected) << path;
  }
  return urls;
}

TEST(RecordingReader, StoresAndHarsGiveTheSameFlows) {
  TempDir dir;
  write_file(dir / "a.jsonl", store_text(2));
  write_file(dir / "a.har", har_text(2));
  const std::vector<std::string> expected = {small_flow(1).request.url, small_flow(2).request.url};
  EXPECT_EQ(urls_in(dir / "a.jsonl", RecordingFormat::kStore), expected);
  EXPECT_EQ(urls_in(dir / "a.har", RecordingFormat::kHar), expected);
}

TEST(RecordingReader, WithoutAKnownExtensionTheFirstLineDecides) {
  TempDir dir;
  write_file(dir / "flows.txt", store_text(3));
  write_file(dir / "capture.json", har_text(1));
  EXPECT_EQ(urls_in(dir / "flows.txt", RecordingFormat::kStore).size(), 3u);
  EXPECT_EQ(urls_in(dir / "capture.json", RecordingFormat::kHar).size(), 1u);
}

TEST(RecordingReader, BadStoreRecordsAreSkippedWithAWarning) {
  TempDir dir;
  write_file(dir / "f.jsonl", store_text(1) + "{\"format\":1,\"id\":3}\n" + store_text(1));
  std::vector<std::string> warnings;
  RecordingReadOptions options;
  options.warn = [&](const std::string& w) { warnings.push_back(w); };
  auto flows = read_recording(dir / "f.jsonl", options);
  ASSERT_TRUE(flows) << flows.error().message;
  EXPECT_EQ(flows->size(), 2u);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_TRUE(warnings[0].starts_with("skipped: ")) << warnings[0];
}

TEST(RecordingReader, HeadsOnlyLeaveBodiesOut) {
  TempDir dir;
  write_file(dir / "f.jsonl", store_text(1));
  RecordingReadOptions options;
  options.bodies = false;
  auto flows = read_recording(dir / "f.jsonl", options);
  ASSERT_TRUE(flows);
  ASSERT_EQ(flows->size(), 1u);
  EXPECT_EQ((*flows)[0].response->body.data, "");
  EXPECT_EQ((*flows)[0].response->body.size, 27u);
}

TEST(RecordingReader, AFileThatIsNeitherSaysWhatIsRead) {
  TempDir dir;
  write_file(dir / "notes.txt", "hello\n");
  auto flows = read_recording(dir / "notes.txt");
  ASSERT_FALSE(flows);
  EXPECT_NE(flows.error().message.find("notes.txt: HAR is not valid JSON"), std::string::npos)
      << flows.error().message;
  EXPECT_NE(flows.error().message.find("flowscope reads JSON Lines stores"), std::string::npos);
  auto missing = read_recording(dir / "missing.jsonl");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("missing.jsonl"), std::string::npos);
}

}  // namespace
}  // namespace flowscope::store
