#include "core/store/store_reader.hpp"

#include <gtest/gtest.h>

#include "core/flow/json_line_writer.hpp"
#include "tests/unit/flow/flow_test_support.hpp"

namespace flowscope::store {
namespace {

using flow::testing::expect_same_flow;
using flow::testing::small_flow;
using flow::testing::TempDir;
using flow::testing::write_file;

std::string lines(std::initializer_list<std::uint64_t> ids) {
  std::string out;
  for (auto id : ids) out += flow::to_json_line(small_flow(id));
  return out;
}

TEST(StoreReader, ReadsEveryFlowInOrder) {
  TempDir dir;
  write_file(dir / "flows.jsonl", lines({1, 2, 3}));
  auto reader = StoreReader::open(dir / "flows.jsonl");
  ASSERT_TRUE(reader) << reader.error().message;
  ASSERT_EQ(reader->size(), 3u);
  EXPECT_TRUE(reader->warnings().empty());
  for (std::size_t i = 0; i < 3; ++i) {
    auto flow = reader->read(i);
    ASSERT_TRUE(flow) << flow.error().message;
    expect_same_flow(small_flow(i + 1), *flow);
  }
  auto raw = reader->read_line(1);
  ASSERT_TRUE(raw);
  EXPECT_EQ(*raw + "\n", flow::to_json_line(small_flow(2)));
}

TEST(StoreReader, TornLastLineIsSkippedWithAWarning) {
  TempDir dir;
  std::string torn = flow::to_json_line(small_flow(4));
  torn.resize(torn.size() / 2);
  write_file(dir / "flows.jsonl", lines({1, 2, 3}) + torn);
  auto reader = StoreReader::open(dir / "flows.jsonl");
  ASSERT_TRUE(reader) << reader.error().message;
  EXPECT_EQ(reader->size(), 3u);
  ASSERT_EQ(reader->warnings().size(), 1u);
  EXPECT_EQ(reader->warnings()[0], "flows.jsonl: last line is incomplete (" +
                                       std::to_string(torn.size()) +
                                       " bytes), skipped: the writer was probably killed");
  for (std::size_t i = 0; i < 3; ++i) EXPECT_TRUE(reader->read(i)) << i;
  EXPECT_FALSE(reader->read(3));
}

TEST(StoreReader, GarbageLineGivesAnErrorForThatFlowOnly) {
  TempDir dir;
  write_file(dir / "flows.jsonl",
             lines({1}) + "\x01\xff garbage {\n" + lines({3}) + "{\"format\":1}\n");
  auto reader = StoreReader::open(dir / "flows.jsonl");
  ASSERT_TRUE(reader) << reader.error().message;
  ASSERT_EQ(reader->size(), 4u);
  EXPECT_TRUE(reader->read(0));
  auto bad = reader->read(1);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("flows.jsonl: flow 1 (byte "), std::string::npos)
      << bad.error().message;
  EXPECT_NE(bad.error().message.find("not valid JSON"), std::string::npos) << bad.error().message;
  auto third = reader->read(2);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->id, "7-3");
  auto missing_started = reader->read(3);
  ASSERT_FALSE(missing_started);
  EXPECT_NE(missing_started.error().message.find("flow.started"), std::string::npos);

  std::vector<std::string> seen;
  auto walked = reader->for_each([&](std::size_t index, Result<flow::Flow> flow) {
    seen.push_back(std::to_string(index) + (flow ? ":" + flow->id : ":error"));
    return true;
  });
  ASSERT_TRUE(walked) << walked.error().message;
  EXPECT_EQ(seen, (std::vector<std::string>{"0:7-1", "1:error", "2:7-3", "3:error"}));
}

TEST(StoreReader, BlankLinesAndCrlfAreTolerated) {
  TempDir dir;
  std::string crlf = flow::to_json_line(small_flow(2));
  crlf.insert(crlf.size() - 1, "\r");
  write_file(dir / "flows.jsonl", "\n" + lines({1}) + "\n\n" + crlf);
  auto reader = StoreReader::open(dir / "flows.jsonl");
  ASSERT_TRUE(reader);
  ASSERT_EQ(reader->size(), 2u);
  EXPECT_EQ(reader->read(1)->id, "7-2");
}

TEST(StoreReader, EmptyStore) {
  TempDir dir;
  write_file(dir / "flows.jsonl", "");
  auto reader = StoreReader::open(dir / "flows.jsonl");
  ASSERT_TRUE(reader);
  EXPECT_EQ(reader->size(), 0u);
  EXPECT_TRUE(reader->warnings().empty());
  auto out_of_range = reader->read(0);
  ASSERT_FALSE(out_of_range);
  EXPECT_EQ(out_of_range.error().message, "flows.jsonl: no flow 0 (the store has 0)");
}

TEST(StoreReader, OpenErrors) {
  TempDir dir;
  auto missing = StoreReader::open(dir / "nope.jsonl");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("nope.jsonl"), std::string::npos);
  auto directory = StoreReader::open(dir.path());
  ASSERT_FALSE(directory);
  EXPECT_NE(directory.error().message.find("is a directory"), std::string::npos)
      << directory.error().message;
}

TEST(StoreReader, ForEachStreamsLinesLargerThanItsBufferAndStopsEarly) {
  TempDir dir;
  flow::Flow big = small_flow(2);
  big.response->body.data = std::string(6 * 1024 * 1024, 'b');  // beyond the 4 MiB read chunk
  big.response->body.size = big.response->body.data.size();
  std::string content = lines({1}) + flow::to_json_line(big);
  for (std::uint64_t i = 3; i < 3000; ++i) content += flow::to_json_line(small_flow(i));
  write_file(dir / "flows.jsonl", content);
  auto reader = StoreReader::open(dir / "flows.jsonl");
  ASSERT_TRUE(reader);
  ASSERT_EQ(reader->size(), 2999u);
  EXPECT_EQ(reader->indexed_bytes(), content.size());
  std::size_t count = 0;
  auto walked = reader->for_each([&](std::size_t index, Result<flow::Flow> flow) {
    EXPECT_TRUE(flow) << index;
    if (flow) {
      EXPECT_EQ(flow->id, "7-" + std::to_string(index + 1));
    }
    if (index == 1 && flow) {
      EXPECT_EQ(flow->response->body.data.size(), 6u * 1024 * 1024);
    }
    return ++count < 2500;
  });
  ASSERT_TRUE(walked);
  EXPECT_EQ(count, 2500u);
  // Heads only: sizes without bodies.
  auto walked_heads = reader->for_each(
      [&](std::size_t index, Result<flow::Flow> flow) {
        EXPECT_TRUE(flow && flow->response->body.data.empty()) << index;
        if (index == 1 && flow) {
          EXPECT_EQ(flow->response->body.size, 6u * 1024 * 1024);
        }
        return index < 5;
      },
      StoreReader::Bodies::kSkip);
  ASSERT_TRUE(walked_heads);
  auto head = reader->read_head(1);
  ASSERT_TRUE(head);
  EXPECT_TRUE(head->response->body.data.empty());
}

TEST(StoreReader, RefreshFollowsAGrowingStore) {
  TempDir dir;
  std::string second = flow::to_json_line(small_flow(2));
  write_file(dir / "flows.jsonl", lines({1}) + second.substr(0, 10));
  auto reader = StoreReader::open(dir / "flows.jsonl");
  ASSERT_TRUE(reader);
  EXPECT_EQ(reader->size(), 1u);
  EXPECT_EQ(reader->warnings().size(), 1u);
  // The writer finishes the line and appends another.
  write_file(dir / "flows.jsonl", second.substr(10) + lines({3}), std::ios::app);
  auto added = reader->refresh();
  ASSERT_TRUE(added);
  EXPECT_EQ(*added, 2u);
  EXPECT_TRUE(reader->warnings().empty()) << "the torn-line warning no longer applies";
  EXPECT_EQ(reader->read(1)->id, "7-2");
  EXPECT_EQ(reader->read(2)->id, "7-3");
  StoreReader moved = std::move(*reader);
  EXPECT_EQ(moved.size(), 3u);
  EXPECT_EQ(moved.read(2)->id, "7-3");
}

}  // namespace
}  // namespace flowscope::store
