// The store's record: the fast line writer against the nlohmann oracle, and the reader.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "core/flow/json_line_writer.hpp"
#include "core/flow/json_reader.hpp"
#include "tests/unit/flow/flow_test_support.hpp"
#include "tests/unit/flow/json_oracle_writer.hpp"

namespace flowscope::flow {
namespace {

using nlohmann::json;
using testing::expect_same_flow;
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
  f.tunnel = Tunnel{"example.com", 443, 12345678901ULL, 42, 1500.25};
  f.tls->server.alpn = "";
  f.tls->upstream_verify = "certificate has expired";
  f.error = "upstream closed the connection\nbefore the response (\x01\x02)";
  f.replay_of = "3-1";
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
  f.tunnel = Tunnel{"example.com", 443, 517, 4096, 20.5};
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
                        static_cast<double>(rng()) / 3.0};
    }
    f.tls.emplace();
    f.tls->sni = bytes(20);
    f.tls->server_cert_subject = bytes(40);
    f.error = bytes(30);
    if (i % 2 == 0) f.replay_of = bytes(8);
    std::string line;
    ASSERT_NO_THROW(line = to_json_line(f));
    ASSERT_TRUE(json::accept(line)) << line;
    EXPECT_EQ(json::parse(line), oracle_json(f)) << line;
    auto back = parse_json_line(line);
    ASSERT_TRUE(back) << back.error().message;
    expect_same_flow(f, *back);
  }
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
