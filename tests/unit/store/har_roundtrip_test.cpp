// Export → import → export keeps every field HAR has; flows HAR can carry exactly come
// back equal.
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

std::string export_har(const std::vector<flow::Flow>& flows, const HarOptions& options = {}) {
  std::ostringstream out;
  auto writer = HarWriter::open(out, options);
  EXPECT_TRUE(writer);
  for (const flow::Flow& flow : flows) EXPECT_TRUE(writer->add(flow));
  EXPECT_TRUE(writer->finish());
  return out.str();
}

std::vector<flow::Flow> import_har(const std::string& text) {
  auto flows = read_har(text);
  EXPECT_TRUE(flows) << flows.error().message;
  return flows ? *flows : std::vector<flow::Flow>{};
}

// Decodes "x-upper" bodies, as core/flow/content_decoding would decode gzip.
Result<std::string> upper_decoder(std::string_view body, std::string_view encoding) {
  if (encoding != "x-upper") return fail("unsupported");
  std::string out(body);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out + "!!";
}

std::vector<flow::Flow> every_kind_of_flow() {
  std::vector<flow::Flow> flows{https_get(), form_post(), binary_get(), refused(), tunnel()};

  flow::Flow truncated = https_get();
  truncated.id = "t";
  truncated.response->body.data.resize(5);
  truncated.response->body.truncated = true;
  truncated.request.method = "PUT";
  truncated.request.headers.add("Content-Type", "application/octet-stream");
  truncated.request.body = flow::Body{std::string("\x01\x02\xff", 3), 4096, true};
  flows.push_back(truncated);

  flow::Flow encoded = https_get();
  encoded.id = "e";
  encoded.response->headers.add("Content-Encoding", "x-upper");
  encoded.response->body = flow::Body{"shout", 5, false};
  flows.push_back(encoded);

  flow::Flow upgraded = https_get();
  upgraded.id = "u";
  upgraded.response->status = 101;
  upgraded.response->reason = "Switching Protocols";
  upgraded.response->body = flow::Body{};
  upgraded.tunnel = flow::Tunnel{"", 0, 12, 34, 56.5, "x-custom"};
  upgraded.error = "client closed the connection";
  flows.push_back(upgraded);

  flow::Flow rejected = tunnel();
  rejected.id = "r";
  rejected.scheme = "";  // a CONNECT refused before it became a tunnel
  rejected.tunnel.reset();
  rejected.response = flow::Response{403, "Forbidden", "HTTP/1.1", {}, flow::Body{"no\n", 3, false}};
  rejected.error = "CONNECT to port 25 is not allowed (--connect-ports)";
  flows.push_back(rejected);

  flow::Flow latin1 = form_post();
  latin1.id = "l";
  latin1.started_us = -1'500;                // before 1970, sub-millisecond
  latin1.request.body.data = "name=Jos%E9";  // form bytes that decode to Latin-1
  latin1.request.body.size = latin1.request.body.data.size();
  flows.push_back(latin1);

  flow::Flow upgraded_ws = https_get();
  upgraded_ws.id = "w";
  upgraded_ws.response->status = 101;
  upgraded_ws.response->reason = "Switching Protocols";
  upgraded_ws.response->body = flow::Body{};
  upgraded_ws.websocket = chat_websocket(kStartedUs);
  upgraded_ws.websocket->messages_dropped = 2;
  upgraded_ws.websocket->messages[2].data = std::string("\xff\0", 2);  // binary, not UTF-8
  upgraded_ws.websocket->messages[2].length = 2;
  upgraded_ws.websocket->messages[2].wire_length = 2;
  flows.push_back(upgraded_ws);

  flow::Flow replayed = https_get();
  replayed.id = "p";
  replayed.client_address = "replay";
  replayed.replay_of = "3-1";  // flowscope replay -o keeps the link in _flowscope.replayOf
  flows.push_back(replayed);
  flow::Flow redacted = form_post();  // what core/redact leaves: values replaced, and its notes
  redacted.id = "x";
  redacted.request.body.data = "user=ada&password=REDACTED";
  redacted.redactions = {{flow::RedactionPlace::kRequestBody, "password", 7, {}},
                         {flow::RedactionPlace::kQuery, "caf\xc3\xa9_token", 3, {}},
                         {flow::RedactionPlace::kResponseBody, "", 512, "gzip"}};
  flows.push_back(redacted);
  return flows;
}

TEST(HarRoundTrip, ExportImportExportIsStable) {
  HarOptions options;
  options.decode_content = upper_decoder;
  const std::string first = export_har(every_kind_of_flow(), options);
  const std::string second = export_har(import_har(first), options);
  const json a = json::parse(first)["log"]["entries"];
  const json b = json::parse(second)["log"]["entries"];
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i], b[i]) << "entry " << i << "\nfirst:  " << a[i].dump()
                          << "\nsecond: " << b[i].dump();
  }
  EXPECT_EQ(first, second);  // byte for byte, key order included
}

TEST(HarRoundTrip, FlowsHarCarriesExactlyComeBackEqual) {
  std::vector<flow::Flow> flows = every_kind_of_flow();
  // Not this one: a decoded body comes back decoded (see below).
  std::erase_if(flows, [](const flow::Flow& f) { return f.id == "e"; });
  const std::vector<flow::Flow> back = import_har(export_har(flows));
  ASSERT_EQ(back.size(), flows.size());
  for (std::size_t i = 0; i < flows.size(); ++i) {
    flow::Flow expected = flows[i];
    // HAR has no "did not happen" for send, wait and receive. Without a response the
    // reader reads the zeros back as -1; with one, they stay 0.
    if (expected.response) {
      for (double* phase :
           {&expected.timings.send, &expected.timings.wait, &expected.timings.receive}) {
        if (*phase == -1) *phase = 0;
      }
    }
    SCOPED_TRACE(expected.id);
    expect_same_flow(expected, back[i]);
  }
}

TEST(HarRoundTrip, DecodedContentComesBackDecodedWithTheWireSize) {
  flow::Flow encoded = https_get();
  encoded.response->headers.add("Content-Encoding", "x-upper");
  encoded.response->body = flow::Body{"shout", 5, false};
  HarOptions options;
  options.decode_content = upper_decoder;
  const std::vector<flow::Flow> back = import_har(export_har({encoded}, options));
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].response->body.data, "SHOUT!!");
  EXPECT_EQ(back[0].response->body.size, 5u);
  EXPECT_FALSE(back[0].response->body.truncated);
}

TEST(HarRoundTrip, ForeignHarIsStableAfterItsFirstImport) {
  // A Chrome-style entry: after one import, flowscope's export of it is a fixed point.
  const std::string chrome =
      R"({"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"},
    "pages": [], "entries": [{"_resourceType": "fetch", "cache": {}, "connection": "91",
      "request": {"method": "GET", "url": "https://a.example/x?y=1%202", "httpVersion": "http/2.0",
                  "headers": [{"name": ":path", "value": "/x?y=1%202"}], "queryString": [], "cookies": [],
                  "headersSize": -1, "bodySize": 0},
      "response": {"status": 200, "statusText": "", "httpVersion": "http/2.0",
                   "headers": [{"name": "content-encoding", "value": "gzip"}, {"name": "set-cookie", "value": "k=v; Max-Age=60"}],
                   "cookies": [], "content": {"size": 11, "mimeType": "text/plain", "compression": -9, "text": "hello world"},
                   "redirectURL": "", "headersSize": -1, "bodySize": 20, "_transferSize": 140, "_error": null},
      "serverIPAddress": "198.51.100.4", "startedDateTime": "2026-11-24T23:38:01.123Z", "time": 40.75,
      "timings": {"blocked": 2.5, "dns": 1, "ssl": 10.25, "connect": 20.5, "send": 0.5, "wait": 5, "receive": 1,
                  "_blocked_queueing": 1.5}}]}})";
  const std::string once = export_har(import_har(chrome));
  const std::string twice = export_har(import_har(once));
  EXPECT_EQ(once, twice);
  const json entry = json::parse(once)["log"]["entries"][0];
  EXPECT_EQ(entry["response"]["content"]["text"], "hello world");
  EXPECT_EQ(entry["response"]["content"]["size"], 11);
  EXPECT_EQ(entry["response"]["content"]["compression"], -9);
  EXPECT_EQ(entry["response"]["bodySize"], 20);
  EXPECT_EQ(entry["timings"]["connect"], 20.5);
  EXPECT_EQ(entry["timings"]["ssl"], 10.25);
  EXPECT_EQ(entry["timings"]["blocked"], -1);  // Flow has no blocked phase
  EXPECT_EQ(entry["serverIPAddress"], "198.51.100.4");
  EXPECT_EQ(entry["connection"], "91");
  EXPECT_EQ(entry["_flowscope_id"], "har-1");
}

}  // namespace
}  // namespace flowscope::store
