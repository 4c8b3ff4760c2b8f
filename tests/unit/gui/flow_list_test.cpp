#include "gui/model/flow_list.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace flowscope::gui {
namespace {

flow::Flow make_flow(std::string id, std::string method, std::string url, int status, std::uint64_t response_size,
                     std::string type = "application/json") {
  flow::Flow flow;
  flow.id = std::move(id);
  flow.scheme = "https";
  flow.started_us = 1'700'000'000'000'000;
  flow.request.method = std::move(method);
  flow.request.url = std::move(url);
  flow::Response response;
  response.status = status;
  response.headers.add("Content-Type", type);
  response.body.size = response_size;
  flow.response = std::move(response);
  flow.timings.wait = static_cast<double>(response_size) / 10;
  return flow;
}

std::vector<std::string> visible_ids(FlowList& list) {
  std::vector<std::string> ids;
  for (std::size_t index : list.visible()) ids.push_back(list.row(index).id);
  return ids;
}

// Three flows whose columns disagree on every order.
FlowList sample() {
  FlowList list;
  list.add(make_flow("a", "POST", "https://b.example/api/users?x=1", 404, 30, "text/html"));
  list.add(make_flow("b", "GET", "https://a.example/api", 200, 10, "image/png"));
  list.add(make_flow("c", "PUT", "https://c.example/", 500, 20, "application/json"));
  return list;
}

TEST(FlowRow, SummarisesAFinishedFlow) {
  auto flow = make_flow("x", "GET", "https://h.example:8443/p/q?r=1#frag", 201, 7, "application/vnd.api+json; v=2");
  flow.request.body.size = 3;
  FlowRow row = make_row(flow, 4);
  EXPECT_EQ(row.number, 4u);
  EXPECT_EQ(row.host, "h.example");
  EXPECT_EQ(row.path, "/p/q?r=1");
  EXPECT_EQ(row.status, 201);
  EXPECT_EQ(row.type, "json");
  EXPECT_EQ(row.request_size, 3u);
  EXPECT_EQ(row.response_size, 7u);
  EXPECT_DOUBLE_EQ(row.duration_ms, 0.7);
  EXPECT_EQ(row.state, RowState::kDone);
  flow.error = "upstream reset";
  EXPECT_EQ(make_row(flow, 1).state, RowState::kFailed);
  EXPECT_EQ(make_row(flow, 1, false).state, RowState::kPending);
}

TEST(FlowRow, TunnelsShowTheirHostAndBytes) {
  flow::Flow flow;
  flow.id = "t";
  flow.scheme = "tunnel";
  flow.request.method = "CONNECT";
  flow.tunnel = flow::Tunnel{"pinned.example", 443, 100, 200, 12.5, ""};
  FlowRow row = make_row(flow, 1);
  EXPECT_EQ(row.host, "pinned.example");
  EXPECT_EQ(row.type, "tunnel");
  EXPECT_EQ(row.request_size, 100u);
  EXPECT_EQ(row.response_size, 200u);
  EXPECT_EQ(row.state, RowState::kTunnel);
}

TEST(FlowRow, ShortContentTypes) {
  EXPECT_EQ(short_content_type("text/html; charset=utf-8"), "html");
  EXPECT_EQ(short_content_type("Image/PNG"), "png");
  EXPECT_EQ(short_content_type("image/svg+xml"), "svg");
  EXPECT_EQ(short_content_type("text/javascript"), "js");
  EXPECT_EQ(short_content_type("application/x-www-form-urlencoded"), "form");
  EXPECT_EQ(short_content_type("multipart/form-data; boundary=x"), "multipart");
  EXPECT_EQ(short_content_type("application/x-protobuf"), "protobuf");
  EXPECT_EQ(short_content_type(""), "");
  EXPECT_EQ(url_path("http://h.example"), "/");
  EXPECT_EQ(url_path("http://h.example?q"), "?q");
}

TEST(FlowList, LiveEventsFillAPendingRow) {
  FlowList list;
  flow::FlowEvent started;
  started.stage = flow::FlowStage::kStarted;
  started.flow = make_flow("1", "GET", "https://live.example/x", 0, 0);
  started.flow.response.reset();
  list.apply(started);
  ASSERT_EQ(list.size(), 1u);
  ASSERT_EQ(list.visible().size(), 1u);
  EXPECT_EQ(list.row(0).state, RowState::kPending);
  EXPECT_EQ(list.row(0).status, 0);
  EXPECT_EQ(list.row(0).number, 1u);

  flow::FlowEvent head;
  head.stage = flow::FlowStage::kResponseHead;
  head.flow = make_flow("1", "GET", "https://live.example/x", 200, 0, "text/plain");
  list.apply(head);
  EXPECT_EQ(list.row(0).status, 200);
  EXPECT_EQ(list.row(0).type, "text");
  EXPECT_EQ(list.row(0).state, RowState::kPending);

  flow::FlowEvent progress;
  progress.stage = flow::FlowStage::kProgress;
  progress.flow.id = "1";
  progress.flow.response.emplace();
  progress.flow.response->body.size = 512;
  list.apply(progress);
  EXPECT_EQ(list.row(0).response_size, 512u);
  EXPECT_EQ(list.row(0).status, 200);

  list.apply(Notice{"learned passthrough"});
  list.apply(FinishedFlow{make_flow("1", "GET", "https://live.example/x", 200, 1024, "text/plain")});
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list.row(0).state, RowState::kDone);
  EXPECT_EQ(list.row(0).response_size, 1024u);
  EXPECT_EQ(list.row(0).number, 1u);
  EXPECT_EQ(list.visible().size(), 1u);

  // A finished flow never seen live is added; a later stage of an unseen one is not.
  list.apply(FinishedFlow{make_flow("2", "GET", "https://live.example/y", 204, 0)});
  progress.flow.id = "gone";
  list.apply(progress);
  EXPECT_EQ(list.size(), 2u);
  EXPECT_EQ(list.visible().size(), 2u);
}

TEST(FlowList, WebSocketMessagesAreAppended) {
  FlowList list;
  flow::FlowEvent started;
  started.flow = make_flow("w", "GET", "https://ws.example/socket", 0, 0);
  started.flow.response.reset();
  list.apply(started);
  flow::FlowEvent message;
  message.stage = flow::FlowStage::kWebSocketMessage;
  message.flow.id = "w";
  message.flow.websocket.emplace();
  message.flow.websocket->messages.push_back(flow::WebSocketMessage{});
  list.apply(message);
  list.apply(message);
  ASSERT_TRUE(list.find("w")->websocket);
  EXPECT_EQ(list.find("w")->websocket->messages.size(), 2u);
  EXPECT_EQ(list.row(0).type, "websocket");
}

TEST(FlowList, SortsEveryColumnBothWays) {
  FlowList list = sample();
  struct Case {
    Column column;
    std::vector<std::string> ascending;
  };
  const std::vector<Case> cases = {
      {Column::kNumber, {"a", "b", "c"}},       {Column::kMethod, {"b", "a", "c"}},
      {Column::kHost, {"b", "a", "c"}},         {Column::kPath, {"c", "b", "a"}},
      {Column::kStatus, {"b", "a", "c"}},       {Column::kType, {"a", "c", "b"}},
      {Column::kResponseSize, {"b", "c", "a"}}, {Column::kDuration, {"b", "c", "a"}},
  };
  for (const auto& test : cases) {
    list.sort_by(test.column, true);
    EXPECT_EQ(visible_ids(list), test.ascending) << static_cast<int>(test.column);
    list.sort_by(test.column, false);
    std::vector<std::string> descending(test.ascending.rbegin(), test.ascending.rend());
    EXPECT_EQ(visible_ids(list), descending) << static_cast<int>(test.column);
  }
}

TEST(FlowList, TiesKeepArrivalOrderBothWays) {
  FlowList list = sample();
  list.add(make_flow("d", "GET", "https://d.example/", 200, 0));
  list.sort_by(Column::kTime, true);  // every flow started at the same µs
  EXPECT_EQ(visible_ids(list), (std::vector<std::string>{"a", "b", "c", "d"}));
  list.sort_by(Column::kTime, false);
  EXPECT_EQ(visible_ids(list), (std::vector<std::string>{"a", "b", "c", "d"}));
  list.sort_by(Column::kStatus, false);
  EXPECT_EQ(visible_ids(list), (std::vector<std::string>{"c", "a", "b", "d"}));
}

TEST(FlowList, NewFlowsLandInSortedPlace) {
  FlowList list = sample();
  list.sort_by(Column::kHost, true);
  EXPECT_EQ(visible_ids(list), (std::vector<std::string>{"b", "a", "c"}));
  list.add(make_flow("d", "GET", "https://bb.example/", 200, 0));
  EXPECT_EQ(visible_ids(list), (std::vector<std::string>{"b", "a", "d", "c"}));
  list.sort_by(Column::kNumber, false);
  list.add(make_flow("e", "GET", "https://e.example/", 200, 0));
  EXPECT_EQ(visible_ids(list), (std::vector<std::string>{"e", "d", "c", "b", "a"}));
}

TEST(FlowList, FilterNarrowsAndABadOneKeepsTheOld) {
  FlowList list = sample();
  EXPECT_FALSE(list.set_filter("~c 200"));
  EXPECT_EQ(visible_ids(list), (std::vector<std::string>{"b"}));
  auto problem = list.set_filter("~m GET & ~u");
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->message, "expected an argument after ~u");
  EXPECT_EQ(problem->column, 11u);
  EXPECT_EQ(list.filter(), "~c 200");
  EXPECT_EQ(visible_ids(list), (std::vector<std::string>{"b"}));
  // A new flow is matched as it arrives, and so is an update that changes the answer.
  list.add(make_flow("d", "GET", "https://d.example/", 200, 0));
  list.add(make_flow("e", "GET", "https://e.example/", 500, 0));
  EXPECT_EQ(visible_ids(list), (std::vector<std::string>{"b", "d"}));
  list.add(make_flow("e", "GET", "https://e.example/", 200, 0));
  EXPECT_EQ(visible_ids(list), (std::vector<std::string>{"b", "d", "e"}));
  list.add(make_flow("b", "GET", "https://a.example/api", 503, 10));
  EXPECT_EQ(visible_ids(list), (std::vector<std::string>{"d", "e"}));
  EXPECT_FALSE(list.set_filter(""));
  EXPECT_EQ(list.filter(), "");
  EXPECT_EQ(visible_ids(list).size(), 5u);
}

TEST(FlowList, ScopeByHostAndWholeSegments) {
  FlowList list = sample();
  list.add(make_flow("d", "GET", "https://b.example/apix", 200, 0));
  list.add(make_flow("e", "GET", "https://b.example/api?q=1", 200, 0));
  list.set_scope("b.example", "/api");
  EXPECT_EQ(visible_ids(list), (std::vector<std::string>{"a", "e"}));
  list.set_scope("b.example", "");
  EXPECT_EQ(visible_ids(list), (std::vector<std::string>{"a", "d", "e"}));
  list.set_filter("~m POST");
  EXPECT_EQ(visible_ids(list), (std::vector<std::string>{"a"}));
  list.set_scope("", "/ignored");
  EXPECT_EQ(list.scope_path(), "");
  EXPECT_EQ(visible_ids(list), (std::vector<std::string>{"a"}));
}

TEST(FlowList, EraseAndClear) {
  FlowList list = sample();
  list.sort_by(Column::kHost, true);
  EXPECT_EQ(visible_ids(list).size(), 3u);
  EXPECT_TRUE(list.erase("a"));
  EXPECT_FALSE(list.erase("a"));
  EXPECT_EQ(list.size(), 2u);
  EXPECT_EQ(list.find("a"), nullptr);
  ASSERT_NE(list.find("c"), nullptr);
  EXPECT_EQ(list.find("c")->request.method, "PUT");
  EXPECT_EQ(visible_ids(list), (std::vector<std::string>{"b", "c"}));
  list.add(make_flow("d", "GET", "https://d.example/", 200, 0));
  EXPECT_EQ(list.row(*list.index_of("d")).number, 4u);  // numbers are never reused
  list.clear();
  EXPECT_EQ(list.size(), 0u);
  EXPECT_TRUE(list.visible().empty());
  EXPECT_EQ(list.find("b"), nullptr);
}

}  // namespace
}  // namespace flowscope::gui
