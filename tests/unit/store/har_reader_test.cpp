// read_har: HAR files as Chrome, Firefox and Playwright write them, and broken ones.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/store/har_reader.hpp"

namespace flowscope::store {
namespace {

// Chrome DevTools "Save all as HAR (with content)": an HTTP/2 page load with a script
// request, an image (base64), a form POST and a blocked request.
constexpr std::string_view kChromeHar = R"({
  "log": {
    "version": "1.2",
    "creator": {"name": "WebInspector", "version": "537.36"},
    "pages": [{"startedDateTime": "2026-11-24T23:38:01.100Z", "id": "page_1", "title": "https://shop.example/",
               "pageTimings": {"onContentLoad": 412.5, "onLoad": 689.2}}],
    "entries": [
      {
        "_connectionId": "425014",
        "_initiator": {"type": "parser", "url": "https://shop.example/", "lineNumber": 41},
        "_priority": "High",
        "_resourceType": "script",
        "cache": {},
        "connection": "443",
        "pageref": "page_1",
        "request": {
          "method": "GET",
          "url": "https://shop.example/app.js?v=3",
          "httpVersion": "http/2.0",
          "headers": [
            {"name": ":authority", "value": "shop.example"},
            {"name": ":method", "value": "GET"},
            {"name": ":path", "value": "/app.js?v=3"},
            {"name": "accept", "value": "*/*"},
            {"name": "cookie", "value": "sid=xyz"}
          ],
          "queryString": [{"name": "v", "value": "3"}],
          "cookies": [{"name": "sid", "value": "xyz", "path": "/", "domain": "shop.example",
                       "expires": "2027-01-01T00:00:00.000Z", "httpOnly": true, "secure": true}],
          "headersSize": -1,
          "bodySize": 0
        },
        "response": {
          "status": 200,
          "statusText": "",
          "httpVersion": "http/2.0",
          "headers": [
            {"name": "content-encoding", "value": "br"},
            {"name": "content-type", "value": "application/javascript"}
          ],
          "cookies": [],
          "content": {"size": 24, "mimeType": "application/javascript", "compression": 4,
                      "text": "console.log(\"hello\");\n//"},
          "redirectURL": "",
          "headersSize": -1,
          "bodySize": 20,
          "_transferSize": 95,
          "_error": null,
          "_fetchedViaServiceWorker": false
        },
        "serverIPAddress": "[2606:4700::6812:1]",
        "startedDateTime": "2026-11-24T23:38:01.123Z",
        "time": 382.50400003067404,
        "timings": {
          "blocked": 6.703000011786819,
          "dns": 11.367999999999999,
          "ssl": 33.175000000000004,
          "connect": 45.664,
          "send": 0,
          "wait": 317.10100000718234,
          "receive": 1.6680000117048621,
          "_blocked_queueing": 2.3560000117868185,
          "_workerStart": -1,
          "_workerReady": -1
        }
      },
      {
        "_initiator": {"type": "parser", "url": "https://shop.example/", "lineNumber": 12},
        "_priority": "Low",
        "_resourceType": "image",
        "cache": {},
        "pageref": "page_1",
        "request": {
          "method": "GET", "url": "https://shop.example/dot.gif", "httpVersion": "http/2.0",
          "headers": [], "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0
        },
        "response": {
          "status": 200, "statusText": "", "httpVersion": "http/2.0",
          "headers": [{"name": "content-type", "value": "image/gif"}],
          "cookies": [],
          "content": {"size": 20, "mimeType": "image/gif", "text": "R0lGODlhAQABAIAAAP///wAAACw=", "encoding": "base64"},
          "redirectURL": "", "headersSize": -1, "bodySize": -1, "_transferSize": 120, "_error": null
        },
        "serverIPAddress": "104.18.11.69",
        "startedDateTime": "2026-11-24T23:38:01.300Z",
        "time": 20.5,
        "timings": {"blocked": 1.2, "dns": -1, "ssl": -1, "connect": -1, "send": 0.1, "wait": 18, "receive": 1.2,
                    "_blocked_queueing": 0.9}
      },
      {
        "_initiator": {"type": "other"},
        "_priority": "VeryHigh",
        "_resourceType": "document",
        "cache": {},
        "pageref": "page_1",
        "request": {
          "method": "POST", "url": "https://shop.example/cart", "httpVersion": "HTTP/1.1",
          "headers": [{"name": "Content-Type", "value": "application/x-www-form-urlencoded"},
                      {"name": "Cookie", "value": "sid=xyz"}],
          "queryString": [], "cookies": [{"name": "sid", "value": "xyz"}], "headersSize": 512, "bodySize": 19,
          "postData": {"mimeType": "application/x-www-form-urlencoded", "text": "item=42&qty=2&gift=",
                       "params": [{"name": "item", "value": "42"}, {"name": "qty", "value": "2"}, {"name": "gift", "value": ""}]}
        },
        "response": {
          "status": 303, "statusText": "See Other", "httpVersion": "HTTP/1.1",
          "headers": [{"name": "Location", "value": "/cart/view"}, {"name": "Set-Cookie", "value": "cart=1; Path=/"}],
          "cookies": [{"name": "cart", "value": "1", "path": "/"}],
          "content": {"size": 0, "mimeType": "x-unknown"},
          "redirectURL": "/cart/view", "headersSize": 120, "bodySize": 0, "_transferSize": 120, "_error": null
        },
        "serverIPAddress": "104.18.11.69",
        "startedDateTime": "2026-11-24T23:38:02.000Z",
        "time": 50,
        "timings": {"blocked": 1, "dns": -1, "ssl": -1, "connect": -1, "send": 1, "wait": 47, "receive": 1}
      },
      {
        "_initiator": {"type": "script", "stack": {"callFrames": [{"functionName": "track", "scriptId": "19",
                       "url": "https://shop.example/app.js?v=3", "lineNumber": 0, "columnNumber": 2602}]}},
        "_priority": "Low",
        "_resourceType": "ping",
        "cache": {},
        "pageref": "page_1",
        "request": {
          "method": "GET", "url": "https://tracker.example/p?id=1", "httpVersion": "",
          "headers": [], "queryString": [{"name": "id", "value": "1"}], "cookies": [], "headersSize": -1, "bodySize": 0
        },
        "response": {
          "status": 0, "statusText": "", "httpVersion": "", "headers": [], "cookies": [],
          "content": {"size": 0, "mimeType": "x-unknown"},
          "redirectURL": "", "headersSize": -1, "bodySize": -1, "_transferSize": 0,
          "_error": "net::ERR_BLOCKED_BY_CLIENT"
        },
        "serverIPAddress": "",
        "startedDateTime": "2026-11-24T23:38:02.500Z",
        "time": 0,
        "timings": {"blocked": -1, "dns": -1, "ssl": -1, "connect": -1, "send": 0, "wait": 0, "receive": 0,
                    "_blocked_queueing": -1}
      }
    ]
  }
})";

// Firefox's Network panel "Save All As HAR": local time offsets, integer timings,
// bodies Firefox did not keep, a form sent as params only.
constexpr std::string_view kFirefoxHar = R"({
  "log": {
    "version": "1.2",
    "creator": {"name": "Firefox", "version": "132.0"},
    "browser": {"name": "Firefox", "version": "132.0"},
    "pages": [{"startedDateTime": "2026-11-25T00:38:01.123+01:00", "id": "page_1", "title": "Docs",
               "pageTimings": {"onContentLoad": 120, "onLoad": 250}}],
    "entries": [
      {
        "pageref": "page_1",
        "startedDateTime": "2026-11-25T00:38:01.123+01:00",
        "request": {
          "bodySize": 0,
          "method": "GET",
          "url": "https://docs.example/guide",
          "httpVersion": "HTTP/2",
          "headers": [{"name": "Host", "value": "docs.example"}, {"name": "User-Agent", "value": "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"}],
          "cookies": [],
          "queryString": [],
          "headersSize": 420
        },
        "response": {
          "status": 200,
          "statusText": "OK",
          "httpVersion": "HTTP/2",
          "headers": [{"name": "content-type", "value": "text/html; charset=utf-8"}, {"name": "content-encoding", "value": "gzip"}],
          "cookies": [],
          "content": {"mimeType": "text/html; charset=utf-8", "size": 5120},
          "redirectURL": "",
          "headersSize": 300,
          "bodySize": 1480
        },
        "cache": {},
        "timings": {"blocked": 0, "dns": 12, "connect": 30, "ssl": 18, "send": 0, "wait": 45, "receive": 3},
        "time": 90,
        "_securityState": "secure",
        "serverIPAddress": "93.184.216.34",
        "connection": "443"
      },
      {
        "pageref": "page_1",
        "startedDateTime": "2026-11-25T00:38:01.500+01:00",
        "request": {
          "bodySize": 20,
          "method": "POST",
          "url": "https://docs.example/search",
          "httpVersion": "HTTP/2",
          "headers": [{"name": "Content-Type", "value": "application/x-www-form-urlencoded"}],
          "cookies": [],
          "queryString": [],
          "headersSize": 200,
          "postData": {"mimeType": "application/x-www-form-urlencoded",
                       "params": [{"name": "q", "value": "hello world"}, {"name": "page", "value": "2"}]}
        },
        "response": {
          "status": 200, "statusText": "OK", "httpVersion": "HTTP/2",
          "headers": [{"name": "content-type", "value": "application/json"}],
          "cookies": [],
          "content": {"mimeType": "application/json", "size": 2, "text": "[]"},
          "redirectURL": "", "headersSize": 100, "bodySize": 2
        },
        "cache": {},
        "timings": {"blocked": 0, "dns": 0, "connect": 0, "ssl": 0, "send": 0, "wait": 20, "receive": 0},
        "time": 20
      }
    ]
  }
})";

TEST(HarReader, ChromeDevTools) {
  auto flows = read_har(kChromeHar);
  ASSERT_TRUE(flows) << flows.error().message;
  ASSERT_EQ(flows->size(), 4u);

  const flow::Flow& script = (*flows)[0];
  EXPECT_EQ(script.id, "har-1");
  EXPECT_EQ(script.connection_id, 425014u);  // Chrome's `_connectionId` over `connection`
  EXPECT_EQ(script.started_us, 1'795'563'481'123'000);
  EXPECT_EQ(script.scheme, "https");
  EXPECT_EQ(script.server_address, "2606:4700::6812:1");
  EXPECT_EQ(script.request.method, "GET");
  EXPECT_EQ(script.request.url, "https://shop.example/app.js?v=3");
  EXPECT_EQ(script.request.http_version, "http/2.0");
  ASSERT_EQ(script.request.headers.items.size(), 5u);
  EXPECT_EQ(script.request.headers.items[0].name, ":authority");
  EXPECT_EQ(script.request.headers.items[4].value, "sid=xyz");
  EXPECT_EQ(script.request.body.size, 0u);
  ASSERT_TRUE(script.response);
  EXPECT_EQ(script.response->status, 200);
  EXPECT_EQ(script.response->body.data, "console.log(\"hello\");\n//");
  EXPECT_EQ(script.response->body.size, 20u);  // bodySize: the (compressed) wire size
  EXPECT_FALSE(script.response->body.truncated);
  EXPECT_EQ(script.error, "");  // "_error": null
  EXPECT_EQ(script.timings.dns, 11.368);
  // Microsecond precision: the digits beyond are float noise.
  EXPECT_EQ(script.timings.tls, 33.175);
  EXPECT_EQ(script.timings.connect, 12.489);  // 45.664 - 33.175
  EXPECT_EQ(script.timings.wait, 317.101);
  EXPECT_FALSE(script.tunnel);
  EXPECT_FALSE(script.tls);

  const flow::Flow& image = (*flows)[1];
  EXPECT_EQ(image.id, "har-2");
  EXPECT_EQ(image.connection_id, 0u);
  EXPECT_EQ(image.server_address, "104.18.11.69");
  EXPECT_EQ(image.response->body.data,
            std::string("GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00,", 20));
  EXPECT_EQ(image.response->body.size, 20u);  // bodySize -1: content.size
  EXPECT_EQ(image.timings.connect, -1);
  EXPECT_EQ(image.timings.tls, -1);

  const flow::Flow& post = (*flows)[2];
  EXPECT_EQ(post.request.method, "POST");
  EXPECT_EQ(post.request.body.data, "item=42&qty=2&gift=");
  EXPECT_EQ(post.request.body.size, 19u);
  EXPECT_FALSE(post.request.body.truncated);
  EXPECT_EQ(post.response->status, 303);
  EXPECT_EQ(post.response->reason, "See Other");
  EXPECT_EQ(*post.response->headers.find("Location"), "/cart/view");
  EXPECT_EQ(post.response->body.data, "");
  EXPECT_FALSE(post.response->body.truncated);

  const flow::Flow& blocked = (*flows)[3];
  EXPECT_FALSE(blocked.response);  // status 0
  EXPECT_EQ(blocked.error, "net::ERR_BLOCKED_BY_CLIENT");
  EXPECT_EQ(blocked.server_address, "");
  EXPECT_EQ(blocked.timings.send, -1);  // HAR's forced zeros, without a response
  EXPECT_EQ(blocked.timings.wait, -1);
}

TEST(HarReader, Firefox) {
  auto flows = read_har(kFirefoxHar);
  ASSERT_TRUE(flows) << flows.error().message;
  ASSERT_EQ(flows->size(), 2u);

  const flow::Flow& page = (*flows)[0];
  EXPECT_EQ(page.started_us, 1'795'563'481'123'000);  // +01:00 taken into account
  EXPECT_EQ(page.connection_id, 443u);
  EXPECT_EQ(page.request.http_version, "HTTP/2");
  EXPECT_EQ(page.request.headers.items[1].name, "User-Agent");
  EXPECT_EQ(page.timings.dns, 12);
  EXPECT_EQ(page.timings.connect, 12);  // 30 - 18
  EXPECT_EQ(page.timings.tls, 18);
  // Firefox did not keep this body: its size is counted, nothing is kept.
  EXPECT_EQ(page.response->body.data, "");
  EXPECT_EQ(page.response->body.size, 1480u);
  EXPECT_TRUE(page.response->body.truncated);

  const flow::Flow& search = (*flows)[1];
  EXPECT_EQ(search.request.body.data, "q=hello+world&page=2");  // rebuilt from params
  EXPECT_EQ(search.request.body.size, 20u);
  EXPECT_FALSE(search.request.body.truncated);
  EXPECT_EQ(search.response->body.data, "[]");
  EXPECT_EQ(search.timings.connect, 0);
  EXPECT_EQ(search.timings.tls, 0);
}

// Playwright's recordHar (content: "omit") and mitmproxy's export: floats everywhere,
// `_serverPort`, pieces of timings missing, no `cache`.
TEST(HarReader, PlaywrightAndMitmproxyStyles) {
  const std::string har =
      R"({"log": {"version": "1.2", "creator": {"name": "Playwright", "version": "1.49.0"},
    "browser": {"name": "chromium", "version": "131.0"},
    "entries": [
      {"startedDateTime": "2026-11-24T23:38:01.123456+00:00", "time": 12.25,
       "request": {"method": "GET", "url": "https://api.example:8443/v1/items", "httpVersion": "HTTP/1.1",
                   "cookies": [], "headers": [{"name": "accept", "value": "application/json"}], "queryString": [],
                   "headersSize": -1, "bodySize": 0.0},
       "response": {"status": 200.0, "statusText": "OK", "httpVersion": "HTTP/1.1", "cookies": [],
                    "headers": [{"name": "content-type", "value": "application/json"}],
                    "content": {"size": 1024, "mimeType": "application/json", "_sha1": "0a1b.json"},
                    "headersSize": -1, "bodySize": -1, "redirectURL": ""},
       "timings": {"dns": 0.5, "connect": 3.25, "ssl": 2.0, "send": 0, "wait": 8.5},
       "serverIPAddress": "::1", "_serverPort": 8443, "_securityDetails": {"protocol": "TLS 1.3"},
       "_frameref": "frame@1", "_monotonicTime": 1234.5},
      {"startedDateTime": "2026-11-24T23:38:02Z", "time": 5,
       "request": {"method": "PUT", "url": "http://127.0.0.1:5000/upload", "httpVersion": "HTTP/1.1",
                   "headers": [], "bodySize": 3,
                   "postData": {"mimeType": "application/octet-stream", "text": "AAEC", "encoding": "base64"}},
       "response": {"status": 204, "statusText": "No Content", "httpVersion": "HTTP/1.1", "headers": [],
                    "content": {"size": 0, "mimeType": ""}, "bodySize": 0},
       "serverIPAddress": "127.0.0.1", "_serverPort": 5000}
    ]}})";
  auto flows = read_har(har);
  ASSERT_TRUE(flows) << flows.error().message;
  ASSERT_EQ(flows->size(), 2u);
  const flow::Flow& get = (*flows)[0];
  EXPECT_EQ(get.started_us, 1'795'563'481'123'456);
  EXPECT_EQ(get.server_address, "[::1]:8443");
  EXPECT_EQ(get.response->status, 200);
  EXPECT_EQ(get.response->body.size, 1024u);
  EXPECT_TRUE(get.response->body.truncated);  // content omitted
  EXPECT_EQ(get.timings.connect, 1.25);
  EXPECT_EQ(get.timings.tls, 2.0);
  EXPECT_EQ(get.timings.receive, -1);  // missing

  const flow::Flow& put = (*flows)[1];
  EXPECT_EQ(put.scheme, "http");
  EXPECT_EQ(put.server_address, "127.0.0.1:5000");
  EXPECT_EQ(put.request.body.data, std::string("\0\1\2", 3));
  EXPECT_EQ(put.timings.dns, -1);  // no timings at all
  EXPECT_EQ(put.timings.wait, -1);
}

TEST(HarReader, ForeignConnectEntryIsATunnel) {
  const std::string har =
      R"({"log": {"entries": [{"startedDateTime": "2026-11-24T23:38:01Z", "time": 800,
    "request": {"method": "CONNECT", "url": "https://secure.example:443", "httpVersion": "HTTP/1.1", "headers": []},
    "response": {"status": 200, "statusText": "Connection Established", "httpVersion": "HTTP/1.1", "headers": [],
                 "content": {"size": 0}, "bodySize": 0}}]}})";
  auto flows = read_har(har);
  ASSERT_TRUE(flows) << flows.error().message;
  const flow::Flow& flow = (*flows)[0];
  EXPECT_EQ(flow.scheme, "tunnel");
  ASSERT_TRUE(flow.tunnel);
  EXPECT_EQ(flow.tunnel->host, "secure.example");
  EXPECT_EQ(flow.tunnel->port, 443);
  EXPECT_EQ(flow.tunnel->duration_ms, 800);
  EXPECT_EQ(flow.response->status, 200);
}

TEST(HarReader, ErrorsNameWhatIsWrong) {
  auto message = [](std::string_view text) {
    auto flows = read_har(text);
    EXPECT_FALSE(flows);
    return flows ? std::string() : flows.error().message;
  };
  EXPECT_NE(
      message("<html>404</html>").find("HAR is not valid JSON: parse error at line 1, column 1"),
      std::string::npos);
  EXPECT_NE(message("").find("not valid JSON"), std::string::npos);
  EXPECT_NE(message(R"({"log": {"entries": [)").find("not valid JSON"), std::string::npos);
  EXPECT_EQ(message("[]"), "not a HAR file: the top level is not a JSON object");
  EXPECT_EQ(message(R"({"entries": []})"),
            "not a HAR file: there is no \"log\" object at the top level");
  EXPECT_EQ(message(R"({"log": {"version": "1.2"}})"),
            "not a HAR file: log.entries is missing or not an array");
  EXPECT_EQ(message(R"({"log": {"entries": {}}})"),
            "not a HAR file: log.entries is missing or not an array");
  EXPECT_EQ(message(R"({"log": {"entries": [{}, 7]}})"),
            "log.entries[0].request is missing or not an object");
  EXPECT_EQ(message(R"({"log": {"entries": [7]}})"), "log.entries[0] is not an object");
  EXPECT_EQ(message(R"({"log": {"entries": [{"request": {"method": "GET"}}]}})"),
            "log.entries[0].request.url is missing or not a string");
  EXPECT_EQ(message(R"({"log": {"entries": [{"request": {"url": "http://a/"}}]}})"),
            "log.entries[0].request.method is missing or not a string");
  EXPECT_EQ(
      message(
          R"({"log": {"entries": [{"startedDateTime": "last tuesday", "request": {"method": "GET", "url": "http://a/"}}]}})"),
      "log.entries[0].startedDateTime \"last tuesday\" is not an ISO 8601 date");
  EXPECT_EQ(
      message(R"({"log": {"entries": [{"request": {"method": "GET", "url": "http://a/"},
                        "response": {"status": 200, "content": {"text": "@@@", "encoding": "base64"}}}]}})"),
      "log.entries[0].response.content.text says encoding \"base64\" but is not valid base64");
}

TEST(HarReader, MinimalEntryAndEmptyLog) {
  auto flows =
      read_har(R"({"log": {"entries": [{"request": {"method": "GET", "url": "http://a/"}}]}})");
  ASSERT_TRUE(flows) << flows.error().message;
  ASSERT_EQ(flows->size(), 1u);
  EXPECT_EQ((*flows)[0].started_us, 0);
  EXPECT_FALSE((*flows)[0].response);
  EXPECT_EQ((*flows)[0].timings.wait, -1);

  auto empty = read_har(
      R"({"log": {"version": "1.2", "creator": {"name": "x", "version": "1"}, "entries": []}})");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

TEST(HarReader, ByteOrderMarkAndWrappedBase64AreAccepted) {
  const std::string har =
      "\xEF\xBB\xBF"
      R"({"log": {"entries": [{"request": {"method": "GET", "url": "http://a/"},
      "response": {"status": 200, "content": {"text": "aGVs\nbG8=", "encoding": "base64"}}}]}})";
  auto flows = read_har(har);
  ASSERT_TRUE(flows) << flows.error().message;
  EXPECT_EQ((*flows)[0].response->body.data, "hello");
}

TEST(HarReader, StreamsEntriesOneByOne) {
  std::istringstream in{std::string(kChromeHar)};
  std::vector<std::string> urls;
  auto count = read_har(in, [&](flow::Flow&& flow) -> Result<void> {
    urls.push_back(flow.request.url);
    return {};
  });
  ASSERT_TRUE(count) << count.error().message;
  EXPECT_EQ(*count, 4u);
  EXPECT_EQ(urls.size(), 4u);
  EXPECT_EQ(urls[3], "https://tracker.example/p?id=1");
}

TEST(HarReader, CallbackErrorStopsTheImport) {
  std::istringstream in{std::string(kChromeHar)};
  int seen = 0;
  auto count = read_har(in, [&](flow::Flow&&) -> Result<void> {
    if (++seen == 2) return fail("store is full");
    return {};
  });
  ASSERT_FALSE(count);
  EXPECT_EQ(count.error().message, "store is full");
  EXPECT_EQ(seen, 2);
}

TEST(HarReader, EntriesElsewhereAreNotFlows) {
  // Only log.entries holds entries; an "entries" key inside pages or extensions does not.
  auto flows = read_har(R"({"_meta": {"entries": [{"x": 1}]},
      "log": {"pages": [{"entries": [5]}], "entries": [{"request": {"method": "GET", "url": "http://a/",
              "_extra": {"entries": [{}]}}}]}})");
  ASSERT_TRUE(flows) << flows.error().message;
  EXPECT_EQ(flows->size(), 1u);
}

TEST(HarReader, ReadsAFile) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("har_reader_test_" + std::to_string(::getpid()) + ".har");
  {
    std::ofstream out(path, std::ios::binary);
    out << kFirefoxHar;
  }
  auto flows = read_har_file(path);
  ASSERT_TRUE(flows) << flows.error().message;
  EXPECT_EQ(flows->size(), 2u);
  std::filesystem::remove(path);

  auto missing = read_har_file(path);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("cannot open HAR file " + path.string()),
            std::string::npos);
}

}  // namespace
}  // namespace flowscope::store
