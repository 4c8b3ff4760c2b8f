// `show --full`: headers, decoded bodies, JSON pretty-printed, binary summarised.
#include "core/flow/flow_details.hpp"

#include <gtest/gtest.h>

#include "tests/unit/filter/filter_test_flows.hpp"

namespace flowscope::flow {
namespace {

Flow json_flow() {
  Flow f;
  f.id = "1-1";
  f.client_address = "127.0.0.1:5000";
  f.scheme = "http";
  f.request.method = "POST";
  f.request.url = "http://x/users";
  f.request.http_version = "HTTP/1.1";
  f.request.headers.add("Content-Type", "application/x-www-form-urlencoded");
  f.request.body.data = "name=ada";
  f.request.body.size = 8;
  Response r;
  r.status = 201;
  r.reason = "Created";
  r.http_version = "HTTP/1.1";
  r.headers.add("Content-Type", "application/json");
  r.headers.add("Content-Encoding", "gzip");
  r.body.data = filter::testing::gzip(R"({"zeta":1,"alpha":{"b":[1,2]}})");
  r.body.size = r.body.data.size();
  f.response = std::move(r);
  f.timings = {-1, -1, -1, 1, 2, 0.5};
  return f;
}

TEST(FlowDetails, HeadersAndDecodedPrettyJson) {
  const Flow f = json_flow();
  const std::string size = std::to_string(f.response->body.size);
  EXPECT_EQ(flow_details(f), "127.0.0.1:5000 POST http://x/users 201 Created " + size +
                                 "B 3.5ms\n"
                                 "> POST http://x/users HTTP/1.1\n"
                                 "> Content-Type: application/x-www-form-urlencoded\n"
                                 "> \n"
                                 "> name=ada\n"
                                 "< HTTP/1.1 201 Created\n"
                                 "< Content-Type: application/json\n"
                                 "< Content-Encoding: gzip\n"
                                 "< \n"
                                 "< {\n"
                                 "<   \"zeta\": 1,\n"
                                 "<   \"alpha\": {\n"
                                 "<     \"b\": [\n"
                                 "<       1,\n"
                                 "<       2\n"
                                 "<     ]\n"
                                 "<   }\n"
                                 "< }\n");
}

TEST(FlowDetails, BinaryBodiesAreSummarisedNotDumped) {
  Body body;
  body.data = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\x1b[2J", 21);
  body.size = body.data.size();
  http::Headers headers;
  headers.add("Content-Type", "image/png");
  EXPECT_EQ(body_for_terminal(body, headers),
            "[binary body: 21 B, image/png, starts 89504e470d0a1a0a0000000d49484452…]\n");
}

TEST(FlowDetails, TruncatedAndUnrecordedBodiesSaySo) {
  Body cut;
  cut.data = "{\"a\":";
  cut.size = 100;
  cut.truncated = true;
  http::Headers json;
  json.add("Content-Type", "application/json");
  EXPECT_EQ(body_for_terminal(cut, json),
            "{\"a\":\n[truncated: 5 of 100 B recorded (--body-limit)]\n");
  Body unrecorded;
  unrecorded.size = 42;
  EXPECT_EQ(body_for_terminal(unrecorded, json), "[42 B body, not recorded]\n");
  EXPECT_EQ(body_for_terminal(Body{}, json), "");
}

TEST(FlowDetails, AlreadyDecodedTextUnderAContentEncodingIsShownAsIs) {
  // A HAR keeps decoded content with the original Content-Encoding header.
  Body body;
  body.data = "plain text";
  body.size = body.data.size();
  http::Headers headers;
  headers.add("Content-Encoding", "br");
  EXPECT_EQ(body_for_terminal(body, headers), "plain text\n");
  body.data = std::string("\x01\x02\x03", 3);
  EXPECT_TRUE(body_for_terminal(body, headers).starts_with("[Content-Encoding br not undone: "));
}

TEST(FlowDetails, InvalidJsonIsShownAsText) {
  Body body;
  body.data = "{not json";
  body.size = body.data.size();
  http::Headers headers;
  headers.add("Content-Type", "application/json");
  EXPECT_EQ(body_for_terminal(body, headers), "{not json\n");
}

TEST(FlowDetails, ErrorsAndTunnels) {
  Flow f = json_flow();
  f.response.reset();
  f.error = "connect failed\nsecond line";
  const std::string text = flow_details(f);
  EXPECT_TRUE(text.ends_with("! connect failed\n! second line\n")) << text;
  Flow tunnel;
  tunnel.client_address = "127.0.0.1:1";
  tunnel.request.method = "CONNECT";
  tunnel.request.url = "x:443";
  tunnel.scheme = "tunnel";
  tunnel.tunnel = Tunnel{"x", 443, 10, 20, 5, {}};
  EXPECT_EQ(flow_details(tunnel), "127.0.0.1:1 CONNECT x:443 tunnel 10B up 20B down 5.0ms\n");
}

TEST(FlowDetails, ColourPaintsTheSummaryByStatus) {
  const std::string text = flow_details(json_flow(), DetailOptions{true});
  EXPECT_TRUE(text.starts_with("\x1b[32m127.0.0.1:5000 POST")) << text;
}

}  // namespace
}  // namespace flowscope::flow
