// Reading recordings: stores with unreadable lines, HAR files, a HAR by another name,
// and files that are neither, each with an error a person can act on.
#include "core/server_replay/recording.hpp"

#include <gtest/gtest.h>

#include "core/flow/json_line_writer.hpp"
#include "core/store/har_writer.hpp"
#include "tests/unit/flow/flow_test_support.hpp"
#include "tests/unit/server_replay/recorded_flows.hpp"

namespace flowscope::server_replay {
namespace {

using flow::testing::TempDir;
using flow::testing::write_file;
using testing::exchange;
using testing::request;

std::vector<flow::Flow> two_flows() {
  return {exchange("1-1", request("GET", "http://x.test/a"), 200, "a"),
          exchange("1-2", request("GET", "http://x.test/b"), 404, "b")};
}

void write_har(const std::filesystem::path& path, const std::vector<flow::Flow>& flows) {
  auto writer = store::HarWriter::open(path, {});
  ASSERT_TRUE(writer) << writer.error().message;
  for (const auto& f : flows) ASSERT_TRUE(writer->add(f));
  ASSERT_TRUE(writer->finish());
}

TEST(Recording, AStoreIsReadInOrderAndBadLinesAreCounted) {
  TempDir dir;
  const auto flows = two_flows();
  write_file(dir / "flows.jsonl", flow::to_json_line(flows[0]) + "not a record\n" + flow::to_json_line(flows[1]));
  auto recording = load_recording(dir / "flows.jsonl");
  ASSERT_TRUE(recording) << recording.error().message;
  ASSERT_EQ(recording->flows.size(), 2u);
  EXPECT_EQ(recording->flows[0].id, "1-1");
  EXPECT_EQ(recording->flows[1].response->status, 404);
  EXPECT_EQ(recording->skipped, 1u);
  ASSERT_EQ(recording->warnings.size(), 1u);
  EXPECT_NE(recording->warnings[0].find("skipped: "), std::string::npos) << recording->warnings[0];
  EXPECT_NE(recording->warnings[0].find("flow 1"), std::string::npos) << recording->warnings[0];
}

TEST(Recording, AHarIsReadWhole) {
  TempDir dir;
  write_har(dir / "api.har", two_flows());
  auto recording = load_recording(dir / "api.har");
  ASSERT_TRUE(recording) << recording.error().message;
  ASSERT_EQ(recording->flows.size(), 2u);
  EXPECT_EQ(recording->flows[1].request.url, "http://x.test/b");
  EXPECT_EQ(recording->skipped, 0u);
}

TEST(Recording, AHarWithABadEntryIsAnErrorThatNamesIt) {
  TempDir dir;
  write_file(dir / "bad.har", R"({"log":{"version":"1.2","entries":[{"request":{"method":"GET"}}]}})");
  auto recording = load_recording(dir / "bad.har");
  ASSERT_FALSE(recording);
  EXPECT_NE(recording.error().message.find("log.entries[0].request.url"), std::string::npos)
      << recording.error().message;
}

TEST(Recording, AHarByAnotherNameIsStillRead) {
  TempDir dir;
  write_har(dir / "api.txt", two_flows());
  auto recording = load_recording(dir / "api.txt");
  ASSERT_TRUE(recording) << recording.error().message;
  EXPECT_EQ(recording->flows.size(), 2u);
}

TEST(Recording, AFileThatIsNeitherSaysWhatIsExpected) {
  TempDir dir;
  write_file(dir / "notes.txt", "hello\nworld\n");
  auto recording = load_recording(dir / "notes.txt");
  ASSERT_FALSE(recording);
  EXPECT_TRUE(recording.error().message.starts_with((dir / "notes.txt").string() + ": HAR is not valid JSON"))
      << recording.error().message;
  EXPECT_TRUE(recording.error().message.ends_with("(flowscope reads JSON Lines stores, from run -w, and HAR files)"))
      << recording.error().message;
  EXPECT_EQ(recording.error().message.find((dir / "notes.txt").string(), 1), std::string::npos)
      << "the file is named once: " << recording.error().message;
}

TEST(Recording, AMissingFileOrADirectoryIsAClearError) {
  TempDir dir;
  auto missing = load_recording(dir / "nope.har");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "cannot read the recording " + (dir / "nope.har").string() +
                                         ": no such file (make one with flowscope record -o FILE.har -- CMD)");
  auto directory = load_recording(dir.path());
  ASSERT_FALSE(directory);
  EXPECT_EQ(directory.error().message,
            "the recording " + dir.path().string() + " is a directory: pass a .har file or a .jsonl store");
}

TEST(Recording, AnEmptyStoreIsAnEmptyRecording) {
  TempDir dir;
  write_file(dir / "empty.jsonl", "");
  auto recording = load_recording(dir / "empty.jsonl");
  ASSERT_TRUE(recording) << recording.error().message;
  EXPECT_TRUE(recording->flows.empty());
}

TEST(Recording, KeepMatchingAppliesAFilter) {
  Recording recording{two_flows(), 0, {}};
  auto filter = filter::Filter::compile("~c 4xx");
  ASSERT_TRUE(filter);
  EXPECT_EQ(keep_matching(recording, *filter), 1u);
  ASSERT_EQ(recording.flows.size(), 1u);
  EXPECT_EQ(recording.flows[0].id, "1-2");
}

}  // namespace
}  // namespace flowscope::server_replay
