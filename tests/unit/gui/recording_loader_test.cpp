#include "gui/model/recording_loader.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/store/har_writer.hpp"
#include "core/store/store_writer.hpp"

namespace flowscope::gui {
namespace {

flow::Flow sample(int n) {
  flow::Flow flow;
  flow.id = "f" + std::to_string(n);
  flow.started_us = 1'700'000'000'000'000 + n;
  flow.scheme = "https";
  flow.request.method = "GET";
  flow.request.url = "https://load.example/item/" + std::to_string(n);
  flow.request.http_version = "HTTP/1.1";
  flow::Response response;
  response.status = 200;
  response.reason = "OK";
  response.http_version = "HTTP/1.1";
  response.body.data = "body " + std::to_string(n);
  response.body.size = response.body.data.size();
  flow.response = std::move(response);
  return flow;
}

class RecordingLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("flowscope-loader-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path write_store(int flows) {
    auto path = dir_ / "flows.jsonl";
    auto writer = store::StoreWriter::open(path);
    EXPECT_TRUE(writer);
    for (int i = 1; i <= flows; ++i) (*writer)->on_flow(sample(i));
    (*writer)->flush();
    return path;
  }

  // Polls as the GUI does, once per "frame", until the loader is done.
  static std::vector<flow::Flow> load_all(RecordingLoader& loader) {
    std::vector<flow::Flow> flows;
    while (!loader.done()) {
      for (auto& flow : loader.take()) flows.push_back(std::move(flow));
      EXPECT_GE(loader.progress(), 0.0);
      EXPECT_LE(loader.progress(), 1.0);
    }
    for (auto& flow : loader.take()) flows.push_back(std::move(flow));
    return flows;
  }

  std::filesystem::path dir_;
};

TEST_F(RecordingLoaderTest, ReadsAStoreInOrder) {
  auto path = write_store(50);
  RecordingLoader loader;
  ASSERT_TRUE(loader.start(path));
  auto flows = load_all(loader);
  ASSERT_EQ(flows.size(), 50u);
  EXPECT_EQ(flows.front().id, "f1");
  EXPECT_EQ(flows.back().id, "f50");
  EXPECT_EQ(flows.back().response->body.data, "body 50");
  EXPECT_FALSE(loader.error());
  EXPECT_EQ(loader.skipped(), 0u);
  EXPECT_DOUBLE_EQ(loader.progress(), 1.0);
}

TEST_F(RecordingLoaderTest, WithoutBodiesAFlowIsReadWholeOnRequest) {
  auto path = write_store(5);
  RecordingLoader loader;
  ASSERT_TRUE(loader.start(path, /*bodies=*/false));
  auto flows = load_all(loader);
  ASSERT_EQ(flows.size(), 5u);
  EXPECT_EQ(flows[2].response->body.data, "");
  EXPECT_EQ(flows[2].response->body.size, 6u);
  auto full = loader.read_full("f3");
  ASSERT_TRUE(full) << full.error().message;
  EXPECT_EQ(full->response->body.data, "body 3");
  EXPECT_FALSE(loader.read_full("nope"));
}

TEST_F(RecordingLoaderTest, ReadsAHar) {
  auto path = dir_ / "flows.har";
  {
    auto writer = store::HarWriter::open(path);
    ASSERT_TRUE(writer);
    for (int i = 1; i <= 20; ++i) ASSERT_TRUE(writer->add(sample(i)));
    ASSERT_TRUE(writer->finish());
  }
  RecordingLoader loader;
  ASSERT_TRUE(loader.start(path));
  auto flows = load_all(loader);
  ASSERT_EQ(flows.size(), 20u);
  EXPECT_EQ(flows[3].request.url, "https://load.example/item/4");
  EXPECT_FALSE(loader.error());
  EXPECT_DOUBLE_EQ(loader.progress(), 1.0);
}

TEST_F(RecordingLoaderTest, AMissingFileIsAnErrorNamingIt) {
  RecordingLoader loader;
  auto path = dir_ / "nope.jsonl";
  EXPECT_FALSE(loader.start(path));
  EXPECT_TRUE(loader.done());
  ASSERT_TRUE(loader.error());
  EXPECT_NE(loader.error()->find(path.string()), std::string::npos) << *loader.error();
  EXPECT_TRUE(loader.take().empty());
}

TEST_F(RecordingLoaderTest, ABrokenHarIsAnErrorNamingIt) {
  auto path = dir_ / "broken.har";
  std::ofstream(path) << "{\"log\": {\"entries\": [";
  RecordingLoader loader;
  ASSERT_TRUE(loader.start(path));
  load_all(loader);
  ASSERT_TRUE(loader.error());
  EXPECT_NE(loader.error()->find("broken.har"), std::string::npos) << *loader.error();
}

TEST_F(RecordingLoaderTest, ATornLastLineIsSkipped) {
  auto path = write_store(3);
  std::ofstream(path, std::ios::app) << "{\"format\":\"flowscope/1\",\"id\":\"torn";
  RecordingLoader loader;
  ASSERT_TRUE(loader.start(path));
  auto flows = load_all(loader);
  EXPECT_EQ(flows.size(), 3u);
  EXPECT_FALSE(loader.error());
  EXPECT_EQ(loader.skipped(), 1u);
  ASSERT_EQ(loader.warnings().size(), 1u);
  EXPECT_NE(loader.warnings()[0].find("incomplete"), std::string::npos) << loader.warnings()[0];
}

TEST_F(RecordingLoaderTest, StoppingMidLoadJoins) {
  auto path = write_store(2000);
  RecordingLoader loader;
  ASSERT_TRUE(loader.start(path));
  // Starting again stops the first load; the second one reads everything afresh.
  ASSERT_TRUE(loader.start(path));
  EXPECT_EQ(load_all(loader).size(), 2000u);
  ASSERT_TRUE(loader.start(path));
}  // the destructor stops this one

}  // namespace
}  // namespace flowscope::gui
