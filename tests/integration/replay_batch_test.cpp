// engine::replay_all: recorded requests sent again through a started engine, with at
// most N in flight, results in the originals' order.
#include <future>

#include "core/engine/engine.hpp"
#include "core/engine/replay_batch.hpp"
#include "proxy_fixture.hpp"
#include "tests/unit/ca/ca_test_support.hpp"

namespace flowscope::integration {
namespace {

using ca::testing::TempDir;

flow::Flow recorded(std::string id, std::string url) {
  flow::Flow f;
  f.id = std::move(id);
  f.scheme = "http";
  f.request = {"GET", std::move(url), "HTTP/1.1", {}, {}};
  return f;
}

engine::EngineOptions plain_options(const TempDir& home) {
  engine::EngineOptions options;
  options.config = testsupport::test_config();
  options.ca.home = home.path().string();
  options.intercept = false;
  return options;
}

TEST(ReplayBatch, AtMostNInFlightAndResultsInTheOriginalsOrder) {
  Gate release;
  OriginServer origin([release](Exchange& exchange) {
    exchange.wait(release);
    exchange.respond(200, "answer to " + exchange.head().target);
  });
  TempDir home;
  engine::Engine engine(plain_options(home));
  ASSERT_TRUE(engine.start());

  std::vector<flow::Flow> originals;
  for (int i = 0; i < 6; ++i)
    originals.push_back(recorded("1-" + std::to_string(i), origin.url("/r" + std::to_string(i))));
  std::vector<std::size_t> finish_order;  // written on this test's replay thread only
  auto replayed = std::async(std::launch::async, [&] {
    return engine::replay_all(
        engine, originals, 3,
        [&](std::size_t index, const engine::ReplayResult&) { finish_order.push_back(index); });
  });
  // Three are held at the origin; none has finished, so no fourth may have been sent.
  ASSERT_TRUE(origin.wait_for_requests(3)) << "hang guard: three replays should be in flight";
  EXPECT_EQ(origin.requests().size(), 3u) << "--concurrency 3 sent more than three at once";
  release.open();
  const auto results = replayed.get();

  ASSERT_EQ(results.size(), 6u);
  for (std::size_t i = 0; i < results.size(); ++i) {
    ASSERT_TRUE(results[i].replay) << i << ": " << results[i].not_sent;
    EXPECT_EQ(results[i].replay->replay_of, originals[i].id);
    EXPECT_EQ(results[i].replay->request.url, originals[i].request.url);
    ASSERT_TRUE(results[i].replay->response);
    EXPECT_EQ(results[i].replay->response->body.data, "answer to /r" + std::to_string(i));
  }
  EXPECT_EQ(finish_order.size(), 6u);
  EXPECT_EQ(origin.requests().size(), 6u);
}

TEST(ReplayBatch, OneAtATimeKeepsTheRecordedOrder) {
  OriginServer origin(OriginServer::echo());
  TempDir home;
  engine::Engine engine(plain_options(home));
  ASSERT_TRUE(engine.start());
  std::vector<flow::Flow> originals;
  for (int i = 0; i < 4; ++i)
    originals.push_back(recorded("2-" + std::to_string(i), origin.url("/s" + std::to_string(i))));
  std::vector<std::size_t> finish_order;
  const auto results = engine::replay_all(
      engine, originals, 1,
      [&](std::size_t index, const engine::ReplayResult&) { finish_order.push_back(index); });
  EXPECT_EQ(finish_order, (std::vector<std::size_t>{0, 1, 2, 3}));
  const auto received = origin.requests();
  ASSERT_EQ(received.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(received[i].head.target, "/s" + std::to_string(i));
}

TEST(ReplayBatch, WhatCannotBeSentIsReportedAndTheRestGoes) {
  OriginServer origin(OriginServer::fixed(204, ""));
  TempDir home;
  engine::Engine engine(plain_options(home));
  ASSERT_TRUE(engine.start());
  flow::Flow tunnel = recorded("3-1", "x.test:443");
  tunnel.scheme = "tunnel";
  tunnel.request.method = "CONNECT";
  tunnel.tunnel = flow::Tunnel{"x.test", 443, 0, 0, 0, {}};
  const std::vector<flow::Flow> originals = {tunnel, recorded("3-2", origin.url("/ok"))};
  const auto results = engine::replay_all(engine, originals, 2);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_FALSE(results[0].replay);
  EXPECT_NE(results[0].not_sent.find("blind tunnel"), std::string::npos) << results[0].not_sent;
  ASSERT_TRUE(results[1].replay);
  EXPECT_EQ(results[1].replay->response->status, 204);
}

}  // namespace
}  // namespace flowscope::integration
