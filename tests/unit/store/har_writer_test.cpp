// HarWriter and har_entry: the Flow → HAR 1.2 mapping of docs/har.md.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/base64.hpp"
#include "core/flow/content_decoding.hpp"
#include "core/store/har_writer.hpp"
#include "tests/unit/store/har_test_flows.hpp"

namespace flowscope::store {
namespace {

using nlohmann::json;
using namespace flow::testing;

json entry_of(const flow::Flow& flow, const HarOptions& options = {}) {
  return json::parse(har_entry(flow, options).dump(-1, ' ', false, json::error_handler_t::replace));
}

json pair(std::string name, std::string value) {
  return json{{"name", name}, {"value", value}};
}

TEST(HarEntry, TopLevelFields) {
  const json e = entry_of(https_get());
  EXPECT_EQ(e["startedDateTime"], "2026-11-24T23:38:01.123Z");
  EXPECT_EQ(e["time"], 1.5 + 30.375 + 0.5 + 30 + 2);
  EXPECT_EQ(e["cache"], json::object());
  EXPECT_EQ(e["serverIPAddress"], "93.184.216.34");
  EXPECT_EQ(e["connection"], "7");
  EXPECT_EQ(e["_flowscope_id"], "7-1");
  EXPECT_FALSE(e.contains("_error"));
  EXPECT_FALSE(e.contains("_tunnel"));
  EXPECT_EQ(e["timings"], (json{{"blocked", -1},
                                {"dns", 1.5},
                                {"connect", 30.375},
                                {"ssl", 20.125},
                                {"send", 0.5},
                                {"wait", 30},
                                {"receive", 2}}));
  const json& ours = e["_flowscope"];
  EXPECT_EQ(ours["startedUs"], kStartedUs);
  EXPECT_EQ(ours["clientAddress"], "127.0.0.1:53122");
  EXPECT_EQ(ours["serverAddress"], "93.184.216.34:443");
  EXPECT_EQ(ours["scheme"], "https");
  EXPECT_EQ(ours["tls"]["sni"], "example.com");
  EXPECT_EQ(ours["tls"]["server"]["cipher"], "TLS_AES_256_GCM_SHA384");
}

TEST(HarEntry, KeysFollowTheSpecOrder) {
  const auto e = har_entry(https_get());
  std::vector<std::string> keys;
  for (const auto& [key, value] : e.items()) keys.push_back(key);
  ASSERT_GE(keys.size(), 6u);
  EXPECT_EQ(std::vector<std::string>(keys.begin(), keys.begin() + 6),
            (std::vector<std::string>{"startedDateTime", "time", "request", "response", "cache",
                                      "timings"}));
}

TEST(HarEntry, Request) {
  const json r = entry_of(https_get())["request"];
  EXPECT_EQ(r["method"], "GET");
  EXPECT_EQ(r["url"], "https://example.com/search?q=caf%C3%A9+au+lait&lang=fr&empty=&flag");
  EXPECT_EQ(r["httpVersion"], "HTTP/1.1");
  EXPECT_EQ(r["headers"],
            (json{pair("Host", "example.com"), pair("Cookie", "session=abc123; theme=dark"),
                  pair("Accept", "application/json"), pair("Cookie", "extra=1")}));
  // Every Cookie header, in order.
  EXPECT_EQ(r["cookies"],
            (json{pair("session", "abc123"), pair("theme", "dark"), pair("extra", "1")}));
  EXPECT_EQ(r["queryString"], (json{pair("q", "café au lait"), pair("lang", "fr"),
                                    pair("empty", ""), pair("flag", "")}));
  EXPECT_FALSE(r.contains("postData"));
  const std::string head =
      "GET /search?q=caf%C3%A9+au+lait&lang=fr&empty=&flag HTTP/1.1\r\n"
      "Host: example.com\r\nCookie: session=abc123; theme=dark\r\nAccept: application/json\r\n"
      "Cookie: extra=1\r\n\r\n";
  EXPECT_EQ(r["headersSize"], head.size());
  EXPECT_EQ(r["bodySize"], 0);
}

TEST(HarEntry, Response) {
  const json r = entry_of(https_get())["response"];
  EXPECT_EQ(r["status"], 200);
  EXPECT_EQ(r["statusText"], "OK");
  EXPECT_EQ(r["httpVersion"], "HTTP/1.1");
  EXPECT_EQ(r["headers"].size(), 4u);
  EXPECT_EQ(
      r["headers"][1],
      pair("Set-Cookie", "id=a3fWa; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Secure; HttpOnly"));
  EXPECT_EQ(r["cookies"], (json{{{"name", "id"},
                                 {"value", "a3fWa"},
                                 {"expires", "2026-10-21T07:28:00.000Z"},
                                 {"httpOnly", true},
                                 {"secure", true}},
                                {{"name", "lang"},
                                 {"value", "fr"},
                                 {"path", "/docs"},
                                 {"domain", "example.com"},
                                 {"httpOnly", false},
                                 {"secure", false},
                                 {"sameSite", "Lax"}}}));
  const std::string body = R"({"results":["café","tea"]})";
  EXPECT_EQ(r["content"], (json{{"size", body.size()},
                                {"mimeType", "application/json; charset=utf-8"},
                                {"text", body}}));
  EXPECT_EQ(r["redirectURL"], "");
  const std::string head =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
      "Set-Cookie: id=a3fWa; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Secure; HttpOnly\r\n"
      "Set-Cookie: lang=fr; Path=/docs; Domain=example.com; SameSite=Lax\r\nContent-Length: "
      "27\r\n\r\n";
  EXPECT_EQ(r["headersSize"], head.size());
  EXPECT_EQ(r["bodySize"], body.size());
}

TEST(HarEntry, UrlLeavesOutTheFragment) {
  flow::Flow flow = https_get();
  flow.request.url = "https://example.com/a?b=c#frag?x=y";
  const json r = entry_of(flow)["request"];
  EXPECT_EQ(r["url"], "https://example.com/a?b=c");
  EXPECT_EQ(r["queryString"], json{pair("b", "c")});
}

TEST(HarEntry, WholeMillisecondsAreIntegers) {
  const std::string text = har_entry(refused()).dump();
  EXPECT_NE(
      text.find(
          R"("timings":{"blocked":-1,"dns":3,"connect":-1,"ssl":-1,"send":0,"wait":0,"receive":0})"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find(R"("time":3,)"), std::string::npos);
}

TEST(HarEntry, FormPostHasParamsAndRedirect) {
  const json e = entry_of(form_post());
  const json& post = e["request"]["postData"];
  EXPECT_EQ(post["mimeType"], "application/x-www-form-urlencoded");
  EXPECT_EQ(post["text"], "user=j%C3%BCrgen&pass=a+b%26c&remember");
  EXPECT_EQ(post["params"],
            (json{pair("user", "jürgen"), pair("pass", "a b&c"), pair("remember", "")}));
  EXPECT_FALSE(post.contains("_encoding"));
  EXPECT_EQ(e["request"]["bodySize"], 38);
  EXPECT_EQ(e["response"]["redirectURL"], "/home");
  EXPECT_EQ(e["response"]["content"], (json{{"size", 0}, {"mimeType", "x-unknown"}, {"text", ""}}));
  EXPECT_EQ(e["serverIPAddress"], "2001:db8::1");  // no brackets, no port
  EXPECT_EQ(e["timings"]["ssl"], -1);
  EXPECT_EQ(e["timings"]["connect"], 0.5);
}

TEST(HarEntry, NonFormBodiesHaveNoParams) {
  flow::Flow flow = form_post();
  flow.request.headers.set("Content-Type", "application/json");
  flow.request.body.data = R"({"a":1})";
  flow.request.body.size = 7;
  const json post = entry_of(flow)["request"]["postData"];
  EXPECT_EQ(post["mimeType"], "application/json");
  EXPECT_EQ(post["text"], R"({"a":1})");
  EXPECT_FALSE(post.contains("params"));
  // A charset parameter does not hide a form.
  flow = form_post();
  flow.request.headers.set("Content-Type", "Application/X-WWW-Form-Urlencoded; charset=UTF-8");
  EXPECT_EQ(entry_of(flow)["request"]["postData"]["params"].size(), 3u);
}

TEST(HarEntry, BinaryBodiesAreBase64) {
  const flow::Flow flow = binary_get();
  const json content = entry_of(flow)["response"]["content"];
  EXPECT_EQ(content["encoding"], "base64");
  EXPECT_EQ(content["text"], base64_encode(flow.response->body.data));
  EXPECT_EQ(content["size"], 18);
  EXPECT_EQ(content["mimeType"], "image/png");

  // Valid UTF-8 with control bytes (NUL padding) is binary too.
  flow::Flow padded = binary_get();
  padded.response->body.data = std::string("abc\0\0\0", 6);
  padded.response->body.size = 6;
  EXPECT_EQ(entry_of(padded)["response"]["content"]["encoding"], "base64");

  // Request bodies: HAR's postData has no `encoding`, so the extension says it.
  flow::Flow upload = form_post();
  upload.request.headers.set("Content-Type", "application/octet-stream");
  upload.request.body.data = std::string("\xff\x00\x01", 3);
  upload.request.body.size = 3;
  const json post = entry_of(upload)["request"]["postData"];
  EXPECT_EQ(post["_encoding"], "base64");
  EXPECT_EQ(post["text"], "/wAB");
}

TEST(HarEntry, TruncatedBodiesSayTheyAre) {
  flow::Flow flow = https_get();
  flow.response->body.data = "{\"results\":";
  flow.response->body.size = 1'000'000;
  flow.response->body.truncated = true;
  const json r = entry_of(flow)["response"];
  EXPECT_EQ(r["content"]["size"], 1'000'000);
  EXPECT_EQ(r["content"]["text"], "{\"results\":");
  EXPECT_EQ(r["content"]["_truncated"], true);
  EXPECT_FALSE(r["content"].contains("compression"));
  EXPECT_EQ(r["bodySize"], 1'000'000);

  // With --body-limit 0 bytes kept, there is no text at all.
  flow.response->body.data.clear();
  EXPECT_FALSE(entry_of(flow)["response"]["content"].contains("text"));

  flow::Flow upload = form_post();
  upload.request.body.data.resize(10);
  upload.request.body.truncated = true;
  const json post = entry_of(upload)["request"]["postData"];
  EXPECT_EQ(post["_truncated"], true);
  EXPECT_FALSE(post.contains("params"));  // the last pair would be cut
}

// A stand-in for core/flow/content_decoding: "x-upper" bodies decode to upper case.
Result<std::string> upper_decoder(std::string_view body, std::string_view encoding) {
  if (encoding != "x-upper") return fail("unsupported content encoding " + std::string(encoding));
  std::string out(body);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  out += "!!";  // decoded content is longer than what was on the wire
  return out;
}

TEST(HarEntry, ContentIsDecodedWhenADecoderIsGiven) {
  flow::Flow flow = https_get();
  flow.response->headers.add("Content-Encoding", "x-upper");
  flow.response->body.data = "hello";
  flow.response->body.size = 5;

  json content = entry_of(flow)["response"]["content"];
  EXPECT_EQ(content["text"], "hello");  // no decoder: the wire bytes
  EXPECT_EQ(content["size"], 5);
  EXPECT_FALSE(content.contains("compression"));

  HarOptions options;
  options.decode_content = upper_decoder;
  const json r = entry_of(flow, options)["response"];
  EXPECT_EQ(r["content"]["text"], "HELLO!!");
  EXPECT_EQ(r["content"]["size"], 7);
  EXPECT_EQ(r["content"]["compression"], 2);
  EXPECT_EQ(r["bodySize"], 5);  // the wire size stays

  // Not decodable: the body as recorded, sized as on the wire.
  flow.response->headers.set("Content-Encoding", "br");
  content = entry_of(flow, options)["response"]["content"];
  EXPECT_EQ(content["text"], "hello");
  EXPECT_EQ(content["size"], 5);

  // Truncated bodies cannot be decoded; identity needs no decoding.
  flow.response->headers.set("Content-Encoding", "x-upper");
  flow.response->body.truncated = true;
  flow.response->body.size = 50;
  EXPECT_EQ(entry_of(flow, options)["response"]["content"]["text"], "hello");
  flow.response->headers.set("Content-Encoding", "identity");
  flow.response->body.truncated = false;
  flow.response->body.size = 5;
  EXPECT_EQ(entry_of(flow, options)["response"]["content"]["text"], "hello");
}

TEST(HarEntry, RealGzipDecoderPlugsIn) {
  flow::Flow flow = https_get();
  flow.response->headers.set("Content-Type", "text/plain");
  flow.response->headers.add("Content-Encoding", "gzip");
  // gzip of "hello, hello, hello, hello world"
  flow.response->body.data = std::string(
      "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\xcb\x48\xcd\xc9\xc9\xd7\x51\xc8\xc0\xa4\x14\xca"
      "\xf3\x8b\x72\x52\x00\xac\x3e\x11\x37\x20\x00\x00\x00",
      35);
  flow.response->body.size = 35;
  HarOptions options;
  options.decode_content = [](std::string_view body, std::string_view encoding) {
    return flow::decode_content(body, encoding);
  };
  const json r = entry_of(flow, options)["response"];
  EXPECT_EQ(r["content"]["text"], "hello, hello, hello, hello world");
  EXPECT_EQ(r["content"]["size"], 32);
  EXPECT_EQ(r["content"]["compression"], -3);
  EXPECT_EQ(r["bodySize"], 35);
}

TEST(HarEntry, FlowWithoutResponseHasStatusZeroAndError) {
  const json e = entry_of(refused());
  const json& r = e["response"];
  EXPECT_EQ(r["status"], 0);
  EXPECT_EQ(r["statusText"], "");
  EXPECT_EQ(r["httpVersion"], "");
  EXPECT_EQ(r["headers"], json::array());
  EXPECT_EQ(r["cookies"], json::array());
  EXPECT_EQ(r["content"], (json{{"size", 0}, {"mimeType", "x-unknown"}}));
  EXPECT_EQ(r["headersSize"], -1);
  EXPECT_EQ(r["bodySize"], -1);
  EXPECT_EQ(e["_error"], "cannot connect to down.test:80: connection refused");
  EXPECT_EQ(e["timings"], (json{{"blocked", -1},
                                {"dns", 3},
                                {"connect", -1},
                                {"ssl", -1},
                                {"send", 0},
                                {"wait", 0},
                                {"receive", 0}}));
  EXPECT_EQ(e["time"], 3);
  EXPECT_FALSE(e.contains("serverIPAddress"));
}

TEST(HarEntry, ErrorAfterAResponseKeepsTheResponse) {
  flow::Flow flow = https_get();
  flow.error = "upstream closed mid-body";
  const json e = entry_of(flow);
  EXPECT_EQ(e["response"]["status"], 200);
  EXPECT_EQ(e["_error"], "upstream closed mid-body");
}

TEST(HarEntry, TunnelIsAConnectEntryWithStatusZero) {
  const json e = entry_of(tunnel());
  EXPECT_EQ(e["request"]["method"], "CONNECT");
  EXPECT_EQ(e["request"]["url"], "tunnel://example.com:443");  // HAR needs a URI
  EXPECT_EQ(e["request"]["queryString"], json::array());
  const std::string head = "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n";
  EXPECT_EQ(e["request"]["headersSize"], head.size());
  EXPECT_EQ(e["response"]["status"], 0);
  EXPECT_EQ(e["_tunnel"], (json{{"host", "example.com"},
                                {"port", 443},
                                {"bytesFromClient", 517},
                                {"bytesFromServer", 4096},
                                {"durationMs", 1234.5}}));
  EXPECT_EQ(e["time"], 1234.5);  // the tunnel's lifetime, not just dns + connect
  EXPECT_EQ(e["timings"]["connect"], 12);
  EXPECT_FALSE(e.contains("_error"));
}

TEST(HarEntry, UpgradedConnectionKeepsItsResponseAndTunnel) {
  flow::Flow flow = https_get();
  flow.response->status = 101;
  flow.response->reason = "Switching Protocols";
  flow.tunnel = flow::Tunnel{"", 0, 30, 40, 5000, {}};
  const json e = entry_of(flow);
  EXPECT_EQ(e["response"]["status"], 101);
  EXPECT_EQ(e["_tunnel"]["bytesFromServer"], 40);
}

TEST(HarEntry, OtherHttpVersionsHaveNoHeadSize) {
  flow::Flow flow = https_get();
  flow.request.http_version = "HTTP/2.0";
  flow.response->http_version = "HTTP/2.0";
  const json e = entry_of(flow);
  EXPECT_EQ(e["request"]["headersSize"], -1);
  EXPECT_EQ(e["response"]["headersSize"], -1);
}

TEST(HarWriter, BytesThatAreNotUtf8BecomeReplacementCharacters) {
  flow::Flow flow = https_get();
  flow.request.headers.add("X-Latin1", "caf\xe9");
  flow.request.url = "https://example.com/\xff";
  std::ostringstream out;
  auto writer = HarWriter::open(out);
  ASSERT_TRUE(writer);
  ASSERT_TRUE(writer->add(flow));
  ASSERT_TRUE(writer->finish());
  const json har = json::parse(out.str());
  EXPECT_EQ(har["log"]["entries"][0]["request"]["headers"][4]["value"], "caf\xef\xbf\xbd");
}

std::string write_har(std::size_t count, HarOptions options = {}) {
  std::ostringstream out;
  auto writer = HarWriter::open(out, std::move(options));
  EXPECT_TRUE(writer);
  for (std::size_t i = 0; i < count; ++i) {
    flow::Flow flow = i % 2 ? https_get() : binary_get();
    flow.id = "f" + std::to_string(i);
    EXPECT_TRUE(writer->add(flow));
  }
  EXPECT_EQ(writer->entry_count(), count);
  EXPECT_TRUE(writer->finish());
  return out.str();
}

TEST(HarWriter, ValidDocumentForZeroOneAndAThousandEntries) {
  for (std::size_t count : {0u, 1u, 1000u}) {
    SCOPED_TRACE(count);
    const std::string text = write_har(count);
    ASSERT_TRUE(json::accept(text));
    const json har = json::parse(text);
    EXPECT_EQ(har["log"]["version"], "1.2");
    EXPECT_EQ(har["log"]["creator"], (json{{"name", "flowscope"}, {"version", "0.1.0"}}));
    EXPECT_EQ(har["log"]["pages"], json::array());
    ASSERT_EQ(har["log"]["entries"].size(), count);
    if (count > 0) {
      EXPECT_EQ(har["log"]["entries"][count - 1]["_flowscope_id"], "f" + std::to_string(count - 1));
    }
  }
}

TEST(HarWriter, OneEntryPerLine) {
  const std::string text = write_har(3);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 5);  // head, 3 entries, tail
  EXPECT_TRUE(text.starts_with(
      R"({"log":{"version":"1.2","creator":{"name":"flowscope","version":"0.1.0"},"pages":[],"entries":[)"));
  EXPECT_TRUE(text.ends_with("\n]}}\n"));
}

TEST(HarWriter, CreatorIsConfigurableAndEscaped) {
  HarOptions options;
  options.creator = {"flow\"scope", "9.9"};
  const json har = json::parse(write_har(0, options));
  EXPECT_EQ(har["log"]["creator"]["name"], "flow\"scope");
  EXPECT_EQ(har["log"]["creator"]["version"], "9.9");
}

TEST(HarWriter, TunnelsCanBeLeftOut) {
  std::ostringstream out;
  HarOptions options;
  options.include_tunnels = false;
  auto writer = HarWriter::open(out, options);
  ASSERT_TRUE(writer);
  ASSERT_TRUE(writer->add(tunnel()));
  ASSERT_TRUE(writer->add(https_get()));
  ASSERT_TRUE(writer->finish());
  EXPECT_EQ(writer->entry_count(), 1u);
  EXPECT_EQ(json::parse(out.str())["log"]["entries"].size(), 1u);
}

TEST(HarWriter, DestructorClosesTheDocument) {
  std::ostringstream out;
  {
    auto writer = HarWriter::open(out);
    ASSERT_TRUE(writer);
    ASSERT_TRUE(writer->add(https_get()));
  }
  EXPECT_EQ(json::parse(out.str())["log"]["entries"].size(), 1u);
}

TEST(HarWriter, MovedWriterFinishesOnce) {
  std::ostringstream out;
  {
    auto writer = HarWriter::open(out);
    ASSERT_TRUE(writer);
    HarWriter moved = std::move(*writer);
    ASSERT_TRUE(moved.add(https_get()));
    ASSERT_TRUE(moved.finish());
    ASSERT_TRUE(moved.finish());  // a second finish does nothing
    EXPECT_FALSE(moved.add(https_get()));
  }
  EXPECT_TRUE(json::accept(out.str()));
}

TEST(HarWriter, WritesAFile) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("har_writer_test_" + std::to_string(::getpid()) + ".har");
  {
    auto writer = HarWriter::open(path);
    ASSERT_TRUE(writer) << writer.error().message;
    ASSERT_TRUE(writer->add(form_post()));
    ASSERT_TRUE(writer->finish());
  }
  std::ifstream in(path);
  EXPECT_EQ(json::parse(in)["log"]["entries"][0]["request"]["method"], "POST");
  std::filesystem::remove(path);
}

TEST(HarWriter, ErrorsSayWhatFailed) {
  auto writer = HarWriter::open(std::filesystem::path("/nonexistent-dir/out.har"));
  ASSERT_FALSE(writer);
  EXPECT_NE(writer.error().message.find("/nonexistent-dir/out.har"), std::string::npos)
      << writer.error().message;

  std::ostringstream broken;
  broken.setstate(std::ios::badbit);
  auto on_broken = HarWriter::open(broken);
  ASSERT_FALSE(on_broken);
  EXPECT_NE(on_broken.error().message.find("could not write"), std::string::npos);
}

TEST(HarWriter, ThrowingDecoderIsAnErrorValue) {
  flow::Flow flow = https_get();
  flow.response->headers.add("Content-Encoding", "gzip");
  std::ostringstream out;
  HarOptions options;
  options.decode_content = [](std::string_view, std::string_view) -> Result<std::string> {
    throw std::runtime_error("decoder exploded");
  };
  auto writer = HarWriter::open(out, options);
  ASSERT_TRUE(writer);
  auto added = writer->add(flow);
  ASSERT_FALSE(added);
  EXPECT_NE(added.error().message.find("decoder exploded"), std::string::npos);
  ASSERT_TRUE(writer->finish());
  EXPECT_TRUE(json::accept(out.str()));
}

}  // namespace
}  // namespace flowscope::store
