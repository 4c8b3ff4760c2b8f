// The store's record: the fast line writer against the nlohmann oracle, and the reader.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "core/flow/epoch_seconds.hpp"
#include "core/flow/json_line_writer.hpp"
#include "core/flow/json_reader.hpp"
#include "tests/unit/flow/flow_test_support.hpp"
#include "tests/unit/flow/json_oracle_writer.hpp"

namespace flowscope::flow {
namespace {

using nlohmann::json;
using testing::chat_websocket;
using testing::expect_same_flow;
using testing::expect_same_websocket;
using testing::oracle_json;
using testing::small_flow;

std::string all_bytes() {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  return bytes;
}

// Every field set, with the awkward cases: bytes that are not UTF-8 in header names,
// values and the URL, JSON metacharacters, control bytes, binary and truncated bodies.
Flow every_field_flow() {
  Flow f = small_flow(3);
  f.client_address = "[::1]:50000";
  f.request.method = "POST";
  f.request.url = "https://example.com/p\xff\xfe?q=\"quoted\"&b=\\";
  f.request.headers.add("X-Dup", "one");
  f.request.headers.add("X-Dup", "two");
  f.request.headers.add("X-Latin1", "caf\xe9");  // ISO-8859-1 é: not UTF-8
  f.request.headers.add("X-\x80name", "v");      // not UTF-8 in the name
  f.request.headers.add("X-Utf8", "caf\xc3\xa9 \xf0\x9f\x98\x80");
  f.request.headers.add("X-Empty", "");
  f.request.headers.add("x-dup", "Three");
  f.request.body.data = "line one\nline \"two\"\t\\ end\r\n";
  f.request.body.size = f.request.body.data.size();
  f.response->status = 418;
  f.response->reason = "I'm a te\xe1pot";  // obs-text in the reason phrase
  f.response->http_version = "HTTP/1.0";
  f.response->body.data = all_bytes();
  f.response->body.size = 1'000'000;
  f.response->body.truncated = true;
  f.timings = Timings{0, 0.001, -1, 1e-9, 123456.789, 0.1 + 0.2};
  f.tunnel = Tunnel{"example.com", 443, 12345678901ULL, 42, 1500.25, {}};
  f.tls->server.alpn = "";
  f.tls->upstream_verify = "certificate has expired";
  f.error = "upstream closed the connection\nbefore the response (\x01\x02)";
  f.replay_of = "3-1";
  f.redactions = {{RedactionPlace::kRequestHeader, "Authorization", 20, {}},
                  {RedactionPlace::kQuery, "t\xffoken", 12, {}},
                  {RedactionPlace::kResponseBody, "items[0].password", 9, "gzip"},
                  {RedactionPlace::kRequestBody, "", 4096, "br"}};
  f.served_from = "har-2";
  f.websocket = chat_websocket(f.started_us);
  WebSocket& ws = *f.websocket;
  ws.extensions = "x-\xff";  // not UTF-8
  WebSocketMessage cut;       // a text message cut by the limit in the middle of "€"
  cut.opcode = 1;
  cut.data = "price: \xe2\x82";
  cut.length = 1'000;
  cut.wire_length = 1'000;
  cut.truncated = true;
  ws.messages.push_back(cut);
  WebSocketMessage broken;  // permessage-deflate that did not inflate
  broken.from_client = false;
  broken.opcode = 2;
  broken.compressed = true;
  broken.length = 0;
  broken.wire_length = 12;
  broken.error = "inflate: invalid stored block lengths";
  ws.messages.push_back(broken);
  ws.messages_dropped = 3;
  ws.protocol_error = "client: RSV2 set without an extension that defines it";
  return f;
}

TEST(JsonCodec, RoundTripsEveryField) {
  Flow f = every_field_flow();
  std::string line = to_json_line(f);
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1) << "one record, one line";
  EXPECT_EQ(line.rfind("{\"format\":1,", 0), 0u) << line;
  auto back = parse_json_line(line);
  ASSERT_TRUE(back) << back.error().message;
  expect_same_flow(f, *back);
  EXPECT_EQ(to_json_line(*back), line);
}

TEST(JsonCodec, ReadsTheOraclesRecord) {
  Flow f = every_field_flow();
  auto back = flow_from_json(oracle_json(f));
  ASSERT_TRUE(back) << back.error().message;
  expect_same_flow(f, *back);
}

TEST(JsonCodec, LineWriterAgreesWithOracle) {
  // The store's lines are written without nlohmann; they must say what the oracle says.
  for (const Flow& f : {small_flow(), every_field_flow(), Flow{}}) {
    json parsed = json::parse(to_json_line(f));
    EXPECT_EQ(parsed, oracle_json(f)) << to_json_line(f);
  }
}

TEST(JsonCodec, RecordShape) {
  Flow f = every_field_flow();
  json j = json::parse(to_json_line(f));
  EXPECT_EQ(j["format"], 1);
  EXPECT_EQ(j["started"], "2026-11-24T23:38:01.123459Z");
  const json& headers = j["request"]["headers"];
  ASSERT_TRUE(headers.is_array());
  EXPECT_EQ(headers[0], json::array({"Host", "api.example.com"}));
  EXPECT_EQ(headers[3], json::array({"X-Dup", "one"}));
  EXPECT_EQ(headers[4], json::array({"X-Dup", "two"}));
  EXPECT_EQ(headers[5][1], json({{"b64", "Y2Fm6Q=="}}));
  EXPECT_TRUE(headers[6][0].is_object());
  EXPECT_EQ(headers[7][1], "caf\xc3\xa9 \xf0\x9f\x98\x80");
  EXPECT_EQ(j["request"]["url"]["b64"].get<std::string>().empty(), false);
  EXPECT_EQ(j["request"]["body"]["encoding"], "utf-8");
  EXPECT_EQ(j["response"]["body"]["encoding"], "base64");
  EXPECT_EQ(j["response"]["body"]["size"], 1'000'000);
  EXPECT_EQ(j["response"]["body"]["truncated"], true);
  EXPECT_TRUE(j["timings"]["tls"].is_null());
  EXPECT_EQ(j["timings"]["dns"], 0);
  EXPECT_EQ(j["tunnel"]["port"], 443);
  EXPECT_EQ(j["tls"]["client"]["version"], "TLSv1.3");
  EXPECT_TRUE(j.contains("error"));
  EXPECT_EQ(j["served_from"], "har-2");
}

TEST(JsonCodec, EmptyBodiesAndDefaults) {
  Flow f;  // nothing set at all
  auto back = parse_json_line(to_json_line(f));
  ASSERT_TRUE(back) << back.error().message;
  expect_same_flow(f, *back);
  json j = json::parse(to_json_line(f));
  EXPECT_EQ(j["request"]["body"],
            json({{"size", 0}, {"truncated", false}, {"encoding", "utf-8"}, {"data", ""}}));
  EXPECT_FALSE(j.contains("response"));
  EXPECT_FALSE(j.contains("tunnel"));
  EXPECT_FALSE(j.contains("tls"));
  EXPECT_FALSE(j.contains("error")) << "an empty error is left out";
  EXPECT_EQ(j["started"], "1970-01-01T00:00:00.000000Z");
}

TEST(JsonCodec, BodyEncodingChoice) {
  auto encoding_of = [](std::string data) {
    Flow f;
    f.request.body.data = data;
    f.request.body.size = data.size();
    auto back = parse_json_line(to_json_line(f));
    EXPECT_TRUE(back && back->request.body.data == data);
    return json::parse(to_json_line(f))["request"]["body"]["encoding"].get<std::string>();
  };
  EXPECT_EQ(encoding_of("plain text\r\n\tindented"), "utf-8");
  EXPECT_EQ(encoding_of("\xe2\x82\xac uro"), "utf-8");
  EXPECT_EQ(encoding_of(std::string("nul\0inside", 10)), "base64") << "valid UTF-8 but binary";
  EXPECT_EQ(encoding_of("\x1b[31mred"), "base64");
  EXPECT_EQ(encoding_of("\x89PNG\r\n\x1a\n"), "base64");
  EXPECT_EQ(encoding_of("cut mid-character \xe2\x82"), "base64");
}

TEST(JsonCodec, TunnelOnlyFlow) {
  Flow f;
  f.id = "9-1";
  f.connection_id = 9;
  f.started_us = 1'700'000'000'000'000;
  f.client_address = "127.0.0.1:40000";
  f.server_address = "10.0.0.1:443";
  f.scheme = "tunnel";
  f.request.method = "CONNECT";
  f.request.url = "example.com:443";
  f.request.http_version = "HTTP/1.1";
  f.tunnel = Tunnel{"example.com", 443, 517, 4096, 20.5, {}};
  auto back = parse_json_line(to_json_line(f));
  ASSERT_TRUE(back) << back.error().message;
  expect_same_flow(f, *back);
  EXPECT_FALSE(back->response);
}

TEST(JsonCodec, TimingsNullMeansNotApplicable) {
  Flow f;
  f.timings = Timings{-1, -1, -1, -1, -1, -1};
  json j = json::parse(to_json_line(f));
  for (const char* k : {"dns", "connect", "tls", "send", "wait", "receive"})
    EXPECT_TRUE(j["timings"][k].is_null()) << k;
  f.timings.wait = std::numeric_limits<double>::quiet_NaN();
  f.timings.send = std::numeric_limits<double>::infinity();
  auto back = parse_json_line(to_json_line(f));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->timings.wait, -1) << "JSON has no NaN: stored as null, read as n/a";
  EXPECT_EQ(back->timings.send, -1);
  // A record without timings reads as all n/a.
  auto bare = parse_json_line(R"({"format":1,"started":"2026-01-01T00:00:00Z"})");
  ASSERT_TRUE(bare) << bare.error().message;
  EXPECT_EQ(bare->timings.dns, -1);
  EXPECT_EQ(bare->timings.receive, -1);
}

// Random bytes in every field of a WebSocket record, opcodes beyond the five that
// RFC 6455 defines included, and times across the years the format holds exactly.
template <class Bytes>
WebSocket random_websocket(std::mt19937& rng, Bytes& bytes) {
  WebSocket ws;
  if (rng() % 2) ws.protocol = bytes(8);
  if (rng() % 2) ws.extensions = bytes(30);
  const std::uint8_t opcodes[] = {0, 1, 1, 2, 8, 9, 10, 3, 15};
  for (std::size_t n = rng() % 6; n > 0; --n) {
    WebSocketMessage m;
    m.from_client = rng() % 2;
    m.time_us = static_cast<std::int64_t>((static_cast<std::uint64_t>(rng()) << 32) | rng()) %
                (std::int64_t{1} << 33) * 1'000'000;
    m.time_us += static_cast<std::int64_t>(rng() % 1'000'000);
    m.opcode = opcodes[rng() % std::size(opcodes)];
    m.data = rng() % 3 == 0 ? std::string("caf\xc3\xa9 \xf0\x9f\x98\x80") : bytes(40);
    m.length = m.data.size() + (rng() % 4 == 0 ? rng() : 0);
    m.truncated = m.length > m.data.size();
    m.compressed = rng() % 4 == 0;
    m.wire_length = m.compressed || rng() % 8 == 0 ? rng() : m.length;
    if (rng() % 3 == 0) m.close_code = static_cast<std::uint16_t>(rng());
    if (rng() % 4 == 0) m.error = bytes(20);
    ws.messages.push_back(std::move(m));
  }
  ws.messages_dropped = rng() % 2 ? 0 : rng();
  if (rng() % 2) {
    WebSocketClose close{static_cast<bool>(rng() % 2), std::nullopt, bytes(20),
                         static_cast<bool>(rng() % 2)};
    if (rng() % 2) close.code = static_cast<std::uint16_t>(rng());
    ws.close = close;
  }
  if (rng() % 3 == 0) ws.protocol_error = bytes(30);
  return ws;
}

// Random flows, random bytes in every string field and body: the writer never throws,
// the line is valid JSON and says what the oracle says, and everything comes back byte
// for byte.
TEST(JsonCodec, RandomFlowsMatchOracleAndRoundTrip) {
  std::mt19937 rng(12345);
  auto bytes = [&](std::size_t max_len) {
    std::string s(rng() % (max_len + 1), '\0');
    // Mostly ASCII with some high bytes, so both text and b64 paths are hit.
    for (char& c : s) c = static_cast<char>(rng() % 4 == 0 ? rng() % 256 : 0x20 + rng() % 95);
    return s;
  };
  for (int i = 0; i < 500; ++i) {
    Flow f;
    f.id = bytes(8);
    f.connection_id = (static_cast<std::uint64_t>(rng()) << 32) | rng();
    f.started_us = static_cast<std::int64_t>(rng()) * 1000003;
    f.client_address = bytes(20);
    f.scheme = bytes(5);
    f.request.method = bytes(7);
    f.request.url = bytes(60);
    for (int h = 0; h < 5; ++h) f.request.headers.add(bytes(10), bytes(30));
    f.request.body.data = bytes(200);
    f.request.body.size = rng();
    f.response.emplace();
    f.response->status = static_cast<int>(rng() % 1000);
    f.response->reason = bytes(10);
    f.response->body.data = bytes(300);
    f.response->body.truncated = rng() % 2;
    f.timings.wait = static_cast<double>(rng()) / 7.0;
    f.timings.dns = rng() % 3 == 0 ? -1 : static_cast<double>(rng() % 1000) / 8.0;
    if (rng() % 2) {
      f.tunnel = Tunnel{bytes(15), static_cast<std::uint16_t>(rng()), rng(), rng(),
                        static_cast<double>(rng()) / 3.0, rng() % 2 ? bytes(8) : std::string()};
    }
    f.tls.emplace();
    f.tls->sni = bytes(20);
    f.tls->server_cert_subject = bytes(40);
    f.error = bytes(30);
    if (i % 2 == 0) f.replay_of = bytes(8);
    for (unsigned r = rng() % 3; r > 0; --r) {
      f.redactions.push_back(Redaction{static_cast<RedactionPlace>(rng() % 5), bytes(12), rng(),
                                       rng() % 2 ? bytes(6) : std::string()});
    }
    if (i % 3 == 1) f.served_from = bytes(8);
    if (i % 3 != 0) f.websocket = random_websocket(rng, bytes);
    std::string line;
    ASSERT_NO_THROW(line = to_json_line(f));
    ASSERT_TRUE(json::accept(line)) << line;
    EXPECT_EQ(json::parse(line), oracle_json(f)) << line;
    auto back = parse_json_line(line);
    ASSERT_TRUE(back) << back.error().message;
    expect_same_flow(f, *back);
  }
}

// A message's "time" is a JSON number (seconds, six decimals) that a reader holds as a
// double; the microseconds still come back exactly, near 2^33 s as well as near 0.
TEST(JsonCodec, WebSocketTimesRoundTripToTheMicrosecond) {
  std::mt19937_64 rng(20261202);
  const std::int64_t limit = (std::int64_t{1} << 33) * 1'000'000;
  std::vector<std::int64_t> times = {0, 1, -1, 999'999, -999'999, 1'000'000, -1'000'001,
                                     1'764'000'000'123'456, limit - 1, -limit + 1};
  for (int i = 0; i < 20'000; ++i) {
    times.push_back(static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(2 * limit)) - limit);
  }
  for (std::int64_t time_us : times) {
    std::string text;
    append_epoch_seconds(time_us, text);
    ASSERT_EQ(text.size() - text.find('.'), 7u) << text;
    const double parsed = json::parse(text).get<double>();
    ASSERT_EQ(epoch_seconds_to_us(parsed), time_us) << text;
  }
  std::string text;
  append_epoch_seconds(-1, text);
  EXPECT_EQ(text, "-0.000001");
  text.clear();
  append_epoch_seconds(std::numeric_limits<std::int64_t>::min(), text);
  EXPECT_EQ(text, "-9223372036854.775808");
  EXPECT_EQ(epoch_seconds_to_us(std::numeric_limits<double>::quiet_NaN()), std::nullopt);
  EXPECT_EQ(epoch_seconds_to_us(1e300), std::nullopt);
}

// The record of chat_websocket, as docs/flow-format.md ("WebSocket") shows it.
TEST(JsonCodec, WebSocketRecordIsAsDocumented) {
  Flow f;
  f.websocket = chat_websocket(1'764'000'000'123'456);
  const std::string line = to_json_line(f);
  const std::string expected =
      R"("websocket":{"protocol":"chat","extensions":"permessage-deflate","messages":[)"
      R"({"direction":"client","time":1764000000.124456,"opcode":1,"length":5,"text":"hello"},)"
      R"({"direction":"server","time":1764000000.125456,"opcode":1,"length":19,)"
      R"("text":"hello, hello, hello","compressed":true,"wire_length":9},)"
      R"({"direction":"server","time":1764000000.126456,"opcode":2,"length":4,"base64":"AAEC/w=="},)"
      R"({"direction":"client","time":1764000000.127456,"opcode":9,"length":13,"base64":"YXJlIHlvdSB0aGVyZQ=="},)"
      R"({"direction":"server","time":1764000000.128456,"opcode":10,"length":13,"base64":"YXJlIHlvdSB0aGVyZQ=="},)"
      R"({"direction":"client","time":1764000000.129456,"opcode":8,"length":5,"text":"bye","close_code":1000},)"
      R"({"direction":"server","time":1764000000.130456,"opcode":8,"length":5,"text":"bye","close_code":1000}],)"
      R"("messages_dropped":0,"close":{"side":"client","code":1000,"reason":"bye","answered":true}})";
  EXPECT_NE(line.find(R"("timings":{"dns":null,"connect":null,"tls":null,"send":null,"wait":null,"receive":null},)" +
                      expected + "}\n"),
            std::string::npos)
      << line;
  auto back = parse_json_line(line);
  ASSERT_TRUE(back) << back.error().message;
  expect_same_flow(f, *back);
}

// docs/flow-format.md, "Redaction", shows this record's notes.
TEST(JsonCodec, RedactionsAreAsDocumented) {
  Flow f;
  f.redactions = {{RedactionPlace::kRequestHeader, "Authorization", 27, {}},
                  {RedactionPlace::kQuery, "access_token", 40, {}},
                  {RedactionPlace::kResponseBody, "user.api_key", 32, "gzip"}};
  const std::string line = to_json_line(f);
  const std::string expected =
      R"("redactions":[{"where":"request_header","name":"Authorization","original_length":27},)"
      R"({"where":"query","name":"access_token","original_length":40},)"
      R"({"where":"response_body","name":"user.api_key","original_length":32,"content_encoding":"gzip"}]})";
  EXPECT_NE(line.find(expected + "\n"), std::string::npos) << line;
  EXPECT_EQ(json::parse(line), oracle_json(f));
  auto back = parse_json_line(line);
  ASSERT_TRUE(back) << back.error().message;
  expect_same_flow(f, *back);
}

// Each case: one message (or the session around it) written, compared with the oracle,
// read back exactly; `key` is where its payload went.
TEST(JsonCodec, WebSocketFixedCases) {
  struct Case {
    const char* name;
    WebSocketMessage message;
    const char* key;
  };
  auto message = [](std::uint8_t opcode, std::string data) {
    WebSocketMessage m;
    m.opcode = opcode;
    m.length = data.size();
    m.wire_length = data.size();
    m.data = std::move(data);
    return m;
  };
  std::vector<Case> cases = {
      {"text", message(1, "hi \"there\"\n\x01"), "text"},
      {"text that is not UTF-8", message(1, "caf\xe9"), "base64"},
      {"binary that reads as text", message(2, "plain words"), "base64"},
      {"binary", message(2, std::string("\0\xff\x80", 3)), "base64"},
      {"close with a UTF-8 reason", message(8, "going away \xc3\xa9"), "text"},
      {"close with a reason that is not UTF-8", message(8, "\xff"), "base64"},
      {"close without a payload", message(8, ""), "text"},
      {"ping", message(9, "ping!"), "base64"},
      {"pong", message(10, ""), "base64"},
      {"continuation opcode", message(0, "x"), "base64"},
      {"reserved opcode", message(3, "x"), "base64"},
  };
  WebSocketMessage truncated = message(1, "the first kilobyte");
  truncated.length = 1 << 20;
  truncated.wire_length = 1 << 20;
  truncated.truncated = true;
  cases.push_back({"truncated", truncated, "text"});
  WebSocketMessage compressed = message(2, std::string(100, 'a'));
  compressed.compressed = true;
  compressed.wire_length = 7;
  cases.push_back({"compressed", compressed, "base64"});
  WebSocketMessage odd_wire = message(1, "a");
  odd_wire.wire_length = 0;  // not set by whoever made it: kept as it is
  cases.push_back({"wire length without compression", odd_wire, "text"});
  WebSocketMessage coded = message(8, "");
  coded.close_code = 1001;
  cases.push_back({"close with code", coded, "text"});
  WebSocketMessage failed = message(1, "");
  failed.compressed = true;
  failed.length = 0;
  failed.wire_length = 30;
  failed.error = "inflate: \xff bad";
  cases.push_back({"inflate error", failed, "text"});

  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Flow f;
    f.websocket.emplace().messages.push_back(c.message);
    const std::string line = to_json_line(f);
    const json parsed = json::parse(line);
    EXPECT_EQ(parsed, oracle_json(f)) << line;
    const json& m = parsed["websocket"]["messages"][0];
    EXPECT_TRUE(m.contains(c.key)) << m.dump();
    EXPECT_EQ(m.contains("truncated"), c.message.truncated) << m.dump();
    EXPECT_EQ(m.contains("compressed"), c.message.compressed) << m.dump();
    EXPECT_EQ(m.contains("close_code"), c.message.close_code.has_value()) << m.dump();
    EXPECT_EQ(m.contains("error"), !c.message.error.empty()) << m.dump();
    auto back = parse_json_line(line);
    ASSERT_TRUE(back) << back.error().message;
    expect_same_flow(f, *back);
  }
}

TEST(JsonCodec, WebSocketSessionCases) {
  std::vector<std::pair<const char*, WebSocket>> cases;
  cases.push_back({"nothing sent, no close", WebSocket{}});
  WebSocket dropped;
  dropped.messages_dropped = 12'345'678'901ULL;
  cases.push_back({"messages beyond the limit", dropped});
  WebSocket no_code = chat_websocket(0);
  no_code.close = WebSocketClose{false, std::nullopt, "", false};
  cases.push_back({"close without code, unanswered", no_code});
  WebSocket broken = chat_websocket(-5'000'000);  // before 1970
  broken.close.reset();
  broken.protocol.clear();
  broken.protocol_error = "server: a control frame of 200 bytes (at most 125)";
  cases.push_back({"protocol error, no close", broken});
  for (const auto& [name, ws] : cases) {
    SCOPED_TRACE(name);
    Flow f;
    f.websocket = ws;
    const std::string line = to_json_line(f);
    const json parsed = json::parse(line);
    EXPECT_EQ(parsed, oracle_json(f)) << line;
    const json& w = parsed["websocket"];
    EXPECT_EQ(w.contains("close"), ws.close.has_value());
    if (ws.close) {
      EXPECT_EQ(w["close"].contains("code"), ws.close->code.has_value());
    }
    EXPECT_EQ(w.contains("protocol"), !ws.protocol.empty()) << "empty strings are left out";
    EXPECT_EQ(w.contains("protocol_error"), !ws.protocol_error.empty());
    EXPECT_EQ(w["messages_dropped"], ws.messages_dropped);
    auto back = parse_json_line(line);
    ASSERT_TRUE(back) << back.error().message;
    expect_same_flow(f, *back);
  }
  // A record without "websocket" reads as a flow without one.
  auto plain = parse_json_line(to_json_line(small_flow()));
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->websocket);
  EXPECT_FALSE(json::parse(to_json_line(small_flow())).contains("websocket"));
}

TEST(JsonCodec, WebSocketDefaultsWhenMembersAreLeftOut) {
  auto f = parse_json_line(
      R"({"format":1,"started":"2026-01-01T00:00:00Z","websocket":{"messages":[)"
      R"({"direction":"server","time":1764000000,"opcode":2,"length":3,"base64":"AAEC"},{}]}})");
  ASSERT_TRUE(f) << f.error().message;
  ASSERT_TRUE(f->websocket);
  ASSERT_EQ(f->websocket->messages.size(), 2u);
  const WebSocketMessage& m = f->websocket->messages[0];
  EXPECT_FALSE(m.from_client);
  EXPECT_EQ(m.time_us, 1'764'000'000'000'000);
  EXPECT_EQ(m.data, std::string("\0\1\2", 3));
  EXPECT_EQ(m.wire_length, 3u) << "absent wire_length is length";
  EXPECT_FALSE(m.truncated);
  EXPECT_FALSE(m.close_code);
  EXPECT_TRUE(f->websocket->messages[1].from_client);
  EXPECT_EQ(f->websocket->messages_dropped, 0u);
  EXPECT_FALSE(f->websocket->close);
}

TEST(JsonCodec, HeadParseKeepsWebSocketMessages) {
  Flow f = every_field_flow();
  auto head = parse_json_line_head(to_json_line(f));
  ASSERT_TRUE(head) << head.error().message;
  expect_same_websocket(f.websocket, head->websocket);
}

TEST(JsonCodec, HeadParseSkipsBodyData) {
  Flow f = every_field_flow();
  auto head = parse_json_line_head(to_json_line(f));
  ASSERT_TRUE(head) << head.error().message;
  EXPECT_TRUE(head->request.body.data.empty());
  EXPECT_TRUE(head->response->body.data.empty());
  EXPECT_EQ(head->response->body.size, 1'000'000u);
  EXPECT_TRUE(head->response->body.truncated);
  Flow expected = f;
  expected.request.body.data.clear();
  expected.response->body.data.clear();
  expect_same_flow(expected, *head);
}

// A line as docs/flow-format.md shows it: records written today must stay readable.
TEST(JsonCodec, ReadsTheDocumentedExample) {
  const char* line =
      R"({"format":1,"id":"3-1","connection_id":3,"started":"2026-11-24T23:38:01.123456Z",)"
      R"("client_address":"127.0.0.1:53422","server_address":"93.184.216.34:443","scheme":"https",)"
      R"("request":{"method":"GET","url":"https://example.com/","http_version":"HTTP/1.1",)"
      R"("headers":[["Host","example.com"],["Accept","*/*"],["X-Legacy",{"b64":"Y2Fm6Q=="}]],)"
      R"("body":{"size":0,"truncated":false,"encoding":"utf-8","data":""}},)"
      R"("response":{"status":200,"reason":"OK","http_version":"HTTP/1.1",)"
      R"("headers":[["Content-Type","image/png"],["Content-Length","8"]],)"
      R"("body":{"size":8,"truncated":false,"encoding":"base64","data":"iVBORw0KGgo="}},)"
      R"("timings":{"dns":null,"connect":1.25,"tls":3.5,"send":0.125,"wait":12.75,"receive":0.5},)"
      R"("tls":{"sni":"example.com","client":{"version":"TLSv1.3","cipher":"TLS_AES_128_GCM_SHA256","alpn":"http/1.1"},)"
      R"("server":{"version":"TLSv1.3","cipher":"TLS_AES_256_GCM_SHA384","alpn":"http/1.1"},)"
      R"("upstream_verify":"ok","server_cert_subject":"CN=example.com","server_cert_issuer":"C=US, O=DigiCert Inc, CN=DigiCert TLS RSA SHA256 2020 CA1",)"
      R"("server_cert_not_after":"Mar  1 23:59:59 2027 GMT"}})"
      "\n";
  auto f = parse_json_line(line);
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(f->id, "3-1");
  EXPECT_EQ(f->started_us, 1'795'563'481'123'456);
  EXPECT_EQ(f->request.headers.items.at(2).value, "caf\xe9");
  EXPECT_EQ(f->response->body.data, "\x89PNG\r\n\x1a\n");
  EXPECT_EQ(f->timings.dns, -1);
  EXPECT_EQ(f->tls->sni, "example.com");
  EXPECT_TRUE(f->error.empty());
  EXPECT_EQ(to_json_line(*f), line) << "the documented example is exactly what the writer writes";
}

TEST(JsonCodec, BadRecordsAreErrorValues) {
  struct Case {
    const char* line;
    const char* message_part;
  };
  const Case cases[] = {
      {"", "empty line"},
      {"this is not json", "not valid JSON"},
      {R"({"format":1,"started":"2026-01-01T00:00:00Z")", "not valid JSON"},
      {"[1,2,3]", "expected a JSON object"},
      {R"({"id":"x"})", "no \"format\""},
      {R"({"format":"1"})", "positive integer"},
      {R"({"format":2,"started":"2026-01-01T00:00:00Z"})", "newer than this flowscope reads"},
      {R"({"format":1})", "flow.started"},
      {R"({"format":1,"started":"yesterday"})", "\"yesterday\" is not an RFC 3339"},
      {R"({"format":1,"started":"2026-01-01T00:00:00Z","id":5})", "flow.id: expected a string"},
      {R"({"format":1,"started":"2026-01-01T00:00:00Z","connection_id":-1})", "flow.connection_id"},
      {R"({"format":1,"started":"2026-01-01T00:00:00Z","request":[]})",
       "flow.request: expected an object"},
      {R"({"format":1,"started":"2026-01-01T00:00:00Z","request":{"headers":[["a"]]}})",
       "flow.request.headers[0]: expected [name, value]"},
      {R"({"format":1,"started":"2026-01-01T00:00:00Z","request":{"headers":[["a",{"b64":"!!"}]]}})",
       "flow.request.headers[0][1]: \"b64\" is not valid base64"},
      {R"({"format":1,"started":"2026-01-01T00:00:00Z","response":{"body":{"encoding":"base64","data":"abc"}}})",
       "flow.response.body.data: not valid base64"},
      {R"({"format":1,"started":"2026-01-01T00:00:00Z","response":{"body":{"encoding":"rot13","data":""}}})",
       "\"rot13\""},
      {R"({"format":1,"started":"2026-01-01T00:00:00Z","response":{"status":"200"}})",
       "flow.response.status"},
      {R"({"format":1,"started":"2026-01-01T00:00:00Z","tunnel":{"port":70000}})", "out of range"},
      {R"({"format":1,"started":"2026-01-01T00:00:00Z","timings":{"dns":"fast"}})",
       "flow.timings.dns"},
      {R"({"format":1,"started":"2026-01-01T00:00:00Z","tls":{"client":{"alpn":1}}})",
       "flow.tls.client.alpn"},
      {R"({"format":1,"started":"2026-01-01T00:00:00Z","websocket":[]})",
       "flow.websocket: expected an object"},
      {R"({"format":1,"started":"2026-01-01T00:00:00Z","websocket":{"messages":{}}})",
       "flow.websocket.messages: expected an array"},
      {R"({"format":1,"started":"2026-01-01T00:00:00Z","websocket":{"messages":[{},{"direction":"up"}]}})",
       "flow.websocket.messages[1].direction: expected \"client\" or \"server\""},
      {R"({"format":1,"started":"2026-01-01T00:00:00Z","websocket":{"messages":[{"time":"noon"}]}})",
       "flow.websocket.messages[0].time: expected Unix epoch seconds"},
      {R"({"format":1,"started":"2026-01-01T00:00:00Z","websocket":{"messages":[{"opcode":256}]}})",
       "flow.websocket.messages[0].opcode: 256 is out of range"},
      {R"({"format":1,"started":"2026-01-01T00:00:00Z","websocket":{"messages":[{"base64":"AAE"}]}})",
       "flow.websocket.messages[0].base64: not valid base64"},
      {R"({"format":1,"started":"2026-01-01T00:00:00Z","websocket":{"messages":[{"text":{"b64":"AA=="}}]}})",
       "flow.websocket.messages[0].text: expected a string"},
      {R"({"format":1,"started":"2026-01-01T00:00:00Z","websocket":{"messages":[{"close_code":70000}]}})",
       "flow.websocket.messages[0].close_code: 70000 is out of range"},
      {R"({"format":1,"started":"2026-01-01T00:00:00Z","websocket":{"close":{"side":1}}})",
       "flow.websocket.close.side"},
      {R"({"format":1,"started":"2026-01-01T00:00:00Z","websocket":{"messages_dropped":-1}})",
       "flow.websocket.messages_dropped"},
      {R"({"format":1,"started":"2026-01-01T00:00:00Z","redactions":{}})", "flow.redactions: expected an array"},
      {R"({"format":1,"started":"2026-01-01T00:00:00Z","redactions":[{"where":"cookie_jar"}]})",
       "flow.redactions[0].where: \"cookie_jar\" is not request_header"},
      {R"({"format":1,"started":"2026-01-01T00:00:00Z","redactions":[{"name":"x"}]})",
       "flow.redactions[0].where: expected a string"},
      {R"({"format":1,"started":"2026-01-01T00:00:00Z","redactions":[{"where":"query","original_length":-3}]})",
       "flow.redactions[0].original_length"},
  };
  for (const Case& c : cases) {
    auto flow = parse_json_line(c.line);
    ASSERT_FALSE(flow) << c.line;
    EXPECT_NE(flow.error().message.find(c.message_part), std::string::npos)
        << c.line << " gave: " << flow.error().message;
  }
  // Invalid UTF-8 inside a JSON string is malformed JSON, not a crash.
  EXPECT_FALSE(parse_json_line("{\"format\":1,\"id\":\"\xff\"}"));
}

TEST(JsonCodec, UnknownFieldsAndCrlfAreTolerated) {
  auto f = parse_json_line(
      "{\"format\":1,\"started\":\"2026-01-01T00:00:00Z\",\"future_field\":[1,2]}\r\n");
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(f->started_us, 1'767'225'600'000'000);
}

}  // namespace
}  // namespace flowscope::flow
