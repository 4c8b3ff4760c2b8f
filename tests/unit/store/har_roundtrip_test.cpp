// Export → import → export keeps every field HAR has; flows HAR can carry exactly come
// back equal.
#include <gtest/gtest.h>

#include <sstream>

#include "core/store/har_reader.hpp"
#include "core/store/har_writer.hpp"
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
  upgraded.tunnel = flow::Tunnel{"", 0, 12, 34, 56.5};
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

void expect_same_headers(const http::Headers& a, const http::Headers& b) {
  ASSERT_EQ(a.items.size(), b.items.size());
  for (std::size_t i = 0; i < a.items.size(); ++i) {
    EXPECT_EQ(a.items[i].name, b.items[i].name);
    EXPECT_EQ(a.items[i].value, b.items[i].value);
  }
}

void expect_same_body(const flow::Body& a, const flow::Body& b) {
  EXPECT_EQ(a.data, b.data);
  EXPECT_EQ(a.size, b.size);
  EXPECT_EQ(a.truncated, b.truncated);
}

void expect_same_flow(const flow::Flow& a, const flow::Flow& b) {
  SCOPED_TRACE(a.id);
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.connection_id, b.connection_id);
  EXPECT_EQ(a.started_us, b.started_us);
  EXPECT_EQ(a.client_address, b.client_address);
  EXPECT_EQ(a.server_address, b.server_address);
  EXPECT_EQ(a.scheme, b.scheme);
  EXPECT_EQ(a.request.method, b.request.method);
  EXPECT_EQ(a.request.url, b.request.url);
  EXPECT_EQ(a.request.http_version, b.request.http_version);
  expect_same_headers(a.request.headers, b.request.headers);
  expect_same_body(a.request.body, b.request.body);
  ASSERT_EQ(a.response.has_value(), b.response.has_value());
  if (a.response) {
    EXPECT_EQ(a.response->status, b.response->status);
    EXPECT_EQ(a.response->reason, b.response->reason);
    EXPECT_EQ(a.response->http_version, b.response->http_version);
    expect_same_headers(a.response->headers, b.response->headers);
    expect_same_body(a.response->body, b.response->body);
  }
  EXPECT_EQ(a.timings.dns, b.timings.dns);
  EXPECT_EQ(a.timings.connect, b.timings.connect);
  EXPECT_EQ(a.timings.tls, b.timings.tls);
  EXPECT_EQ(a.timings.send, b.timings.send);
  EXPECT_EQ(a.timings.wait, b.timings.wait);
  EXPECT_EQ(a.timings.receive, b.timings.receive);
  ASSERT_EQ(a.tunnel.has_value(), b.tunnel.has_value());
  if (a.tunnel) {
    EXPECT_EQ(a.tunnel->host, b.tunnel->host);
    EXPECT_EQ(a.tunnel->port, b.tunnel->port);
    EXPECT_EQ(a.tunnel->bytes_from_client, b.tunnel->bytes_from_client);
    EXPECT_EQ(a.tunnel->bytes_from_server, b.tunnel->bytes_from_server);
    EXPECT_EQ(a.tunnel->duration_ms, b.tunnel->duration_ms);
  }
  ASSERT_EQ(a.tls.has_value(), b.tls.has_value());
  if (a.tls) {
    EXPECT_EQ(a.tls->sni, b.tls->sni);
    EXPECT_EQ(a.tls->client.version, b.tls->client.version);
    EXPECT_EQ(a.tls->client.cipher, b.tls->client.cipher);
    EXPECT_EQ(a.tls->client.alpn, b.tls->client.alpn);
    EXPECT_EQ(a.tls->server.version, b.tls->server.version);
    EXPECT_EQ(a.tls->server.cipher, b.tls->server.cipher);
    EXPECT_EQ(a.tls->server.alpn, b.tls->server.alpn);
    EXPECT_EQ(a.tls->upstream_verify, b.tls->upstream_verify);
    EXPECT_EQ(a.tls->server_cert_subject, b.tls->server_cert_subject);
    EXPECT_EQ(a.tls->server_cert_issuer, b.tls->server_cert_issuer);
    EXPECT_EQ(a.tls->server_cert_not_after, b.tls->server_cert_not_after);
  }
  EXPECT_EQ(a.error, b.error);
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
