// WebSocket messages in HAR: Chrome's `_webSocketMessages` on export and import, and
// flowscope → HAR → flowscope giving back the record exactly.
#include <gtest/gtest.h>

#include <sstream>

#include "core/store/har_reader.hpp"
#include "core/store/har_writer.hpp"
#include "tests/unit/flow/flow_test_support.hpp"
#include "tests/unit/store/har_test_flows.hpp"

namespace flowscope::store {
namespace {

using nlohmann::json;
using namespace flow::testing;

// A browser's wss:// upgrade as the proxy records it: the 101 and the session after it.
flow::Flow chat_flow() {
  flow::Flow flow = https_get();
  flow.id = "12-1";
  flow.request.url = "https://chat.example/socket";
  flow.request.headers.add("Upgrade", "websocket");
  flow.response->status = 101;
  flow.response->reason = "Switching Protocols";
  flow.response->headers = {};
  flow.response->headers.add("Upgrade", "websocket");
  flow.response->headers.add("Sec-WebSocket-Protocol", "chat");
  flow.response->body = flow::Body{};
  flow.websocket = chat_websocket(kStartedUs);
  return flow;
}

json exported_entry(const flow::Flow& flow) {
  std::ostringstream out;
  auto writer = HarWriter::open(out);
  EXPECT_TRUE(writer);
  EXPECT_TRUE(writer->add(flow));
  EXPECT_TRUE(writer->finish());
  return json::parse(out.str())["log"]["entries"][0];
}

flow::Flow imported(const std::string& har) {
  auto flows = read_har(har);
  EXPECT_TRUE(flows) << flows.error().message;
  EXPECT_EQ(flows ? flows->size() : 0, 1u);
  return flows && !flows->empty() ? flows->front() : flow::Flow{};
}

// A document holding one (possibly edited) entry.
std::string har_of(const json& entry) {
  json entries = json::array();
  entries.push_back(entry);
  json log = json::object();
  log["version"] = "1.2";
  log["entries"] = std::move(entries);
  return json{{"log", std::move(log)}}.dump();
}

flow::Flow round_trip(const flow::Flow& flow) {
  return imported(har_of(exported_entry(flow)));
}

TEST(HarWebSocket, ExportWritesChromesWebSocketMessages) {
  const json entry = exported_entry(chat_flow());
  const json expected = json::parse(R"([
    {"type": "send",    "time": 1795563481.124456, "opcode": 1,  "data": "hello"},
    {"type": "receive", "time": 1795563481.125456, "opcode": 1,  "data": "hello, hello, hello"},
    {"type": "receive", "time": 1795563481.126456, "opcode": 2,  "data": "AAEC/w=="},
    {"type": "send",    "time": 1795563481.127456, "opcode": 9,  "data": "YXJlIHlvdSB0aGVyZQ=="},
    {"type": "receive", "time": 1795563481.128456, "opcode": 10, "data": "YXJlIHlvdSB0aGVyZQ=="},
    {"type": "send",    "time": 1795563481.129456, "opcode": 8,  "data": "Ynll"},
    {"type": "receive", "time": 1795563481.130456, "opcode": 8,  "data": "Ynll"}])");
  EXPECT_EQ(entry["_webSocketMessages"], expected) << entry["_webSocketMessages"].dump();
  const json& ours = entry["_flowscope"]["websocket"];
  EXPECT_EQ(ours["protocol"], "chat");
  EXPECT_EQ(ours["extensions"], "permessage-deflate");
  EXPECT_EQ(ours["messagesDropped"], 0);
  EXPECT_EQ(ours["close"], json({{"side", "client"}, {"code", 1000}, {"reason", "bye"},
                                 {"answered", true}}));
  ASSERT_EQ(ours["messages"].size(), expected.size());
  EXPECT_EQ(ours["messages"][1], json({{"timeUs", kStartedUs + 2000}, {"length", 19},
                                       {"compressed", true}, {"wireLength", 9}}));
  EXPECT_EQ(ours["messages"][5]["closeCode"], 1000);
  EXPECT_FALSE(exported_entry(https_get()).contains("_webSocketMessages"))
      << "only upgraded flows have messages";
}

TEST(HarWebSocket, OwnHarGivesTheRecordBackExactly) {
  flow::Flow flow = chat_flow();
  flow::WebSocket& ws = *flow.websocket;
  flow::WebSocketMessage cut;  // text cut by the limit mid-character: not UTF-8
  cut.opcode = 1;
  cut.time_us = -1'234'567;  // before 1970
  cut.data = "price: \xe2\x82";
  cut.length = 4096;
  cut.wire_length = 4096;
  cut.truncated = true;
  ws.messages.push_back(cut);
  flow::WebSocketMessage binary;  // bytes that are not UTF-8, a failed inflate
  binary.from_client = false;
  binary.opcode = 2;
  binary.time_us = (std::int64_t{1} << 33) * 1'000'000 - 1;
  binary.data = std::string("\x89PNG\0\xff", 6);
  binary.length = 6;
  binary.wire_length = 40;
  binary.compressed = true;
  binary.error = "inflate: invalid distance too far back";
  ws.messages.push_back(binary);
  flow::WebSocketMessage empty_close;  // a close without a status code
  empty_close.opcode = 8;
  ws.messages.push_back(empty_close);
  ws.messages_dropped = 77;
  ws.protocol_error = "server: a fragmented control frame";
  const flow::Flow back = round_trip(flow);
  expect_same_websocket(flow.websocket, back.websocket);

  flow::Flow bare = chat_flow();
  bare.websocket = flow::WebSocket{};  // upgraded, nothing sent, no close
  expect_same_websocket(bare.websocket, round_trip(bare).websocket);
  bare.websocket->close = flow::WebSocketClose{false, std::nullopt, "", false};
  expect_same_websocket(bare.websocket, round_trip(bare).websocket);
}

// Chrome DevTools "Save all as HAR": the upgrade's entry carries the messages; there are
// no lengths, and times are epoch seconds.
constexpr std::string_view kChromeWebSocketHar = R"({"log": {"version": "1.2",
  "creator": {"name": "WebInspector", "version": "537.36"}, "pages": [],
  "entries": [{
    "_resourceType": "websocket", "_connectionId": "0", "cache": {}, "connection": "0",
    "startedDateTime": "2026-11-24T23:38:01.123Z", "time": 0.5,
    "request": {"method": "GET", "url": "wss://chat.example/socket", "httpVersion": "HTTP/1.1",
      "headers": [{"name": "Upgrade", "value": "websocket"}], "queryString": [], "cookies": [],
      "headersSize": 250, "bodySize": 0},
    "response": {"status": 101, "statusText": "Switching Protocols", "httpVersion": "HTTP/1.1",
      "headers": [{"name": "Upgrade", "value": "websocket"},
                  {"name": "Sec-WebSocket-Protocol", "value": "chat"},
                  {"name": "Sec-WebSocket-Extensions", "value": "permessage-deflate; client_max_window_bits=15"}],
      "cookies": [], "content": {"size": 0, "mimeType": "x-unknown"}, "redirectURL": "",
      "headersSize": 180, "bodySize": 0, "_transferSize": 180, "_error": null},
    "timings": {"blocked": -1, "dns": -1, "ssl": -1, "connect": -1, "send": 0, "wait": 0.5, "receive": 0},
    "_webSocketMessages": [
      {"type": "send", "time": 1795563481.2345679, "opcode": 1, "data": "{\"op\":\"join\",\"room\":\"café\"}"},
      {"type": "receive", "time": 1795563481.25, "opcode": 1, "data": "welcome"},
      {"type": "receive", "time": 1795563482, "opcode": 2, "data": "3q2+7w=="},
      {"type": "send", "time": 1795563483.5, "opcode": 9, "data": "hi"},
      {"type": "receive", "time": 1795563484.000001, "opcode": 8, "data": "A+g="}
    ]}]}})";

TEST(HarWebSocket, ImportsChromesWebSocketMessages) {
  const flow::Flow flow = imported(std::string(kChromeWebSocketHar));
  ASSERT_TRUE(flow.websocket);
  const flow::WebSocket& ws = *flow.websocket;
  EXPECT_EQ(ws.protocol, "chat") << "from the 101's headers";
  EXPECT_EQ(ws.extensions, "permessage-deflate; client_max_window_bits=15");
  EXPECT_FALSE(ws.close);
  EXPECT_EQ(ws.messages_dropped, 0u);
  ASSERT_EQ(ws.messages.size(), 5u);
  const auto& join = ws.messages[0];
  EXPECT_TRUE(join.from_client);
  EXPECT_EQ(join.time_us, 1'795'563'481'234'568) << "the nearest microsecond";
  EXPECT_EQ(join.opcode, 1);
  EXPECT_EQ(join.data, "{\"op\":\"join\",\"room\":\"caf\xc3\xa9\"}");
  EXPECT_EQ(join.length, join.data.size()) << "Chrome has no lengths: the data's";
  EXPECT_EQ(join.wire_length, join.length);
  EXPECT_FALSE(join.truncated);
  EXPECT_FALSE(join.compressed);
  EXPECT_FALSE(ws.messages[1].from_client);
  EXPECT_EQ(ws.messages[1].time_us, 1'795'563'481'250'000);
  EXPECT_EQ(ws.messages[2].data, "\xde\xad\xbe\xef") << "binary is base64";
  EXPECT_EQ(ws.messages[2].length, 4u);
  EXPECT_EQ(ws.messages[3].data, "hi") << "a control frame written as text stays text";
  EXPECT_EQ(ws.messages[4].data, "\x03\xe8");
  EXPECT_EQ(ws.messages[4].time_us, 1'795'563'484'000'001);
}

TEST(HarWebSocket, ChromesHarIsStableAfterItsFirstImport) {
  HarOptions options;
  auto export_one = [&](const flow::Flow& flow) {
    std::ostringstream out;
    auto writer = HarWriter::open(out, options);
    EXPECT_TRUE(writer && writer->add(flow) && writer->finish());
    return out.str();
  };
  const std::string once = export_one(imported(std::string(kChromeWebSocketHar)));
  const std::string twice = export_one(imported(once));
  EXPECT_EQ(once, twice);
  const json messages = json::parse(once)["log"]["entries"][0]["_webSocketMessages"];
  ASSERT_EQ(messages.size(), 5u);
  EXPECT_EQ(messages[2]["data"], "3q2+7w==");
  EXPECT_EQ(messages[3]["data"], "aGk=") << "control frames are written as Chrome's rule says";
}

TEST(HarWebSocket, EditsAndDamage) {
  json entry = exported_entry(chat_flow());
  // Messages added or removed by hand: the extras no longer pair up, so every message is
  // read as another tool's, lengths from the data; the session's own fields stay.
  entry["_webSocketMessages"].erase(0);
  auto edited = imported(har_of(entry));
  ASSERT_TRUE(edited.websocket);
  ASSERT_EQ(edited.websocket->messages.size(), 6u);
  EXPECT_EQ(edited.websocket->messages[0].length, 19u);
  EXPECT_FALSE(edited.websocket->messages[0].compressed);
  EXPECT_EQ(edited.websocket->protocol, "chat");
  ASSERT_TRUE(edited.websocket->close);

  // Unknown types are not messages of the connection.
  entry = exported_entry(chat_flow());
  entry.erase("_flowscope");
  entry["_webSocketMessages"][0]["type"] = "note";
  auto odd = imported(har_of(entry));
  ASSERT_TRUE(odd.websocket);
  EXPECT_EQ(odd.websocket->messages.size(), 6u);

  // In our own HAR a binary payload that is not base64 is damage, and says where.
  entry = exported_entry(chat_flow());
  entry["_webSocketMessages"][2]["data"] = "not base64!";
  auto flows = read_har(har_of(entry));
  ASSERT_FALSE(flows);
  EXPECT_NE(flows.error().message.find("log.entries[0]._webSocketMessages[2].data is not valid base64"),
            std::string::npos)
      << flows.error().message;
}

}  // namespace
}  // namespace flowscope::store
