// ~b, ~bq, ~bs: decoded bodies and WebSocket messages.
#include <gtest/gtest.h>

#include "tests/unit/filter/filter_test_flows.hpp"

namespace flowscope::filter {
namespace {

using testing::api_flow;
using testing::gzip;
using testing::matches;

TEST(FilterBodies, EitherBodyOrOneSide) {
  auto flow = api_flow();
  flow.request.body.data = "q=search+term";
  EXPECT_TRUE(matches("~b widget", flow));
  EXPECT_TRUE(matches("~b search", flow));
  EXPECT_TRUE(matches("~bq search", flow));
  EXPECT_FALSE(matches("~bq widget", flow));
  EXPECT_TRUE(matches("~bs widget", flow));
  EXPECT_FALSE(matches("~bs search", flow));
  EXPECT_TRUE(matches("~bs '\"name\":\\s*\"widget\"'", flow));
  EXPECT_TRUE(matches("~b WIDGET", flow));
}

TEST(FilterBodies, GzipBodiesAreSearchedDecoded) {
  auto flow = api_flow();
  flow.response->headers.add("Content-Encoding", "gzip");
  flow.response->body.data = gzip(R"({"user":"ada lovelace"})");
  EXPECT_TRUE(matches("~bs 'ada lovelace'", flow));
  EXPECT_TRUE(matches("~b '^\\{\"user\"'", flow));
  EXPECT_FALSE(matches("~bs widget", flow));
}

TEST(FilterBodies, AnUndecodableBodyIsSearchedAsRecorded) {
  auto flow = api_flow();
  flow.response->headers.add("Content-Encoding", "x-unknown");
  flow.response->body.data = "plain words";
  EXPECT_TRUE(matches("~bs 'plain words'", flow));
}

TEST(FilterBodies, MultilineAnchors) {
  auto flow = api_flow();
  flow.response->body.data = "first line\nsecond line\n";
  EXPECT_TRUE(matches("~bs '^second'", flow));
  EXPECT_TRUE(matches("~bs 'first line$'", flow));
}

TEST(FilterBodies, WebSocketMessagesBySide) {
  auto flow = api_flow();
  flow.response->status = 101;
  flow.response->body = {};
  flow::WebSocket ws;
  flow::WebSocketMessage hello;
  hello.from_client = true;
  hello.data = "subscribe:prices";
  flow::WebSocketMessage tick;
  tick.from_client = false;
  tick.data = R"({"price":42})";
  ws.messages = {hello, tick};
  flow.websocket = ws;
  EXPECT_TRUE(matches("~b subscribe", flow));
  EXPECT_TRUE(matches("~b price", flow));
  EXPECT_TRUE(matches("~bq subscribe", flow));
  EXPECT_FALSE(matches("~bq 42", flow));
  EXPECT_TRUE(matches("~bs 42", flow));
  EXPECT_FALSE(matches("~bs subscribe", flow));
  EXPECT_TRUE(matches("~websocket & ~bs 'price\":\\d+'", flow));
}

TEST(FilterBodies, FlowsWithoutBodies) {
  flow::Flow tunnel;
  tunnel.tunnel = flow::Tunnel{"example.com", 443, 1, 2, 3, {}};
  EXPECT_FALSE(matches("~b x", tunnel));
  EXPECT_TRUE(matches("~b ''", tunnel)) << "an empty pattern matches an empty body";
}

}  // namespace
}  // namespace flowscope::filter
