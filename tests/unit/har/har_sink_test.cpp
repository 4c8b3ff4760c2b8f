// HarSink: flows from several worker threads end up as one valid HAR file.
#include <gtest/gtest.h>

#include <unistd.h>
#include <fstream>
#include <thread>

#include "core/flow/har_sink.hpp"
#include "tests/unit/har/har_test_flows.hpp"

namespace flowscope::flow {
namespace {

TEST(HarSink, ConcurrentFlowsMakeOneDocument) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("har_sink_test_" + std::to_string(::getpid()) + ".har");
  auto sink = HarSink::create(path);
  ASSERT_TRUE(sink) << sink.error().message;
  std::vector<std::thread> workers;
  for (int t = 0; t < 4; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        Flow flow = i % 2 ? testing::https_get() : testing::refused();
        flow.id = std::to_string(t) + "-" + std::to_string(i);
        (*sink)->on_flow(flow);
      }
    });
  }
  for (auto& worker : workers) worker.join();
  (*sink)->flush();
  EXPECT_FALSE((*sink)->error());

  std::ifstream in(path);
  const auto har = nlohmann::json::parse(in);
  EXPECT_EQ(har["log"]["entries"].size(), 200u);
  std::filesystem::remove(path);
}

TEST(HarSink, CreateFailsWithAReadableError) {
  auto sink = HarSink::create("/nonexistent-dir/x.har");
  ASSERT_FALSE(sink);
  EXPECT_NE(sink.error().message.find("cannot create HAR file /nonexistent-dir/x.har"),
            std::string::npos);
}

}  // namespace
}  // namespace flowscope::flow
