// Redactor on whole flows: headers, the URL and the URL headers, bodies (plain, form,
// content-encoded, cut), the notes, and the flows it leaves alone without a copy.
#include "core/redact/redactor.hpp"

#include <gtest/gtest.h>

#include "core/flow/flow_event.hpp"
#include "tests/unit/filter/filter_test_flows.hpp"

namespace flowscope::redact {
namespace {

using filter::testing::api_flow;
using filter::testing::gzip;
using flow::Redaction;
using flow::RedactionPlace;

Redactor compiled(const RedactRules& rules = {}) {
  auto redactor = Redactor::compile(rules);
  EXPECT_TRUE(redactor) << redactor.error().message;
  return *redactor;
}

const std::string* header(const http::Headers& headers, std::string_view name) { return headers.find(name); }

void set_body(flow::Body& body, std::string data) {
  body.size = data.size();
  body.data = std::move(data);
}

// The notes as "where name length" lines, for one readable comparison.
std::vector<std::string> described(const std::vector<Redaction>& notes) {
  std::vector<std::string> out;
  for (const auto& n : notes) {
    std::string line = std::string(flow::redaction_place_name(n.where)) + " " + n.name + " " +
                       std::to_string(n.original_length);
    if (!n.content_encoding.empty()) line += " (" + n.content_encoding + ")";
    out.push_back(line);
  }
  return out;
}

TEST(Redactor, TheBuiltInHeadersOnBothSides) {
  flow::Flow f = api_flow();
  f.request.headers.add("Authorization", "Bearer abc.def.ghi");
  f.request.headers.add("cookie", "session=s1; theme=dark");
  f.request.headers.add("X-Api-Key", "k-123");
  f.request.headers.add("Proxy-Authorization", "Basic dXNlcjpwYXNz");
  f.request.headers.add("X-Cookie-Consent", "yes");  // not Cookie: only exact names are built in
  auto out = compiled().redacted(f);
  ASSERT_TRUE(out);
  EXPECT_EQ(*header(out->request.headers, "Authorization"), "Bearer REDACTED");
  EXPECT_EQ(*header(out->request.headers, "Cookie"), "session=REDACTED; theme=REDACTED");
  EXPECT_EQ(*header(out->request.headers, "X-Api-Key"), "REDACTED");
  EXPECT_EQ(*header(out->request.headers, "Proxy-Authorization"), "Basic REDACTED");
  EXPECT_EQ(*header(out->request.headers, "X-Cookie-Consent"), "yes");
  EXPECT_EQ(*header(out->request.headers, "X-Request-Id"), "abc-123");
  EXPECT_EQ(*header(out->response->headers, "Set-Cookie"), "session=REDACTED");
  EXPECT_EQ(described(out->redactions),
            (std::vector<std::string>{"request_header Authorization 18", "request_header cookie 22",
                                      "request_header X-Api-Key 5", "request_header Proxy-Authorization 18",
                                      "response_header Set-Cookie 14"}));
  // The order and names of the headers stay; only values change.
  ASSERT_EQ(out->request.headers.items.size(), f.request.headers.items.size());
  for (std::size_t i = 0; i < f.request.headers.items.size(); ++i) {
    EXPECT_EQ(out->request.headers.items[i].name, f.request.headers.items[i].name);
  }
}

TEST(Redactor, ExtraHeaderPatternsMatchTheNameIgnoringCase) {
  flow::Flow f = api_flow();
  f.request.headers.add("X-Session-Token", "t-1");
  f.request.headers.add("x-csrf", "c-2");
  auto out = compiled({.headers = {"token", "^X-CSRF$"}, .params = {}, .fields = {}}).redacted(f);
  ASSERT_TRUE(out);
  EXPECT_EQ(*header(out->request.headers, "X-Session-Token"), "REDACTED");
  EXPECT_EQ(*header(out->request.headers, "x-csrf"), "REDACTED");
  EXPECT_EQ(*header(out->request.headers, "X-Request-Id"), "abc-123");
}

TEST(Redactor, QueryParametersOfTheUrlRefererAndLocation) {
  flow::Flow f = api_flow();
  f.request.url = "https://api.example.com/v1/items?page=2&access_token=tok123&Signature=s1";
  f.request.headers.add("Referer", "https://app.example.com/login?password=pw&next=/");
  f.response->status = 302;
  f.response->headers.add("Location", "/done?session_key=sk9");
  auto out = compiled({.headers = {}, .params = {"^page$"}, .fields = {}}).redacted(f);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->request.url, "https://api.example.com/v1/items?page=REDACTED&access_token=REDACTED&Signature=REDACTED");
  EXPECT_EQ(*header(out->request.headers, "Referer"), "https://app.example.com/login?password=REDACTED&next=/");
  EXPECT_EQ(*header(out->response->headers, "Location"), "/done?session_key=REDACTED");
  EXPECT_EQ(described(out->redactions),
            (std::vector<std::string>{"request_header Referer?password 2", "query page 1", "query access_token 6",
                                      "query Signature 2", "response_header Set-Cookie 14",
                                      "response_header Location?session_key 3"}));
}

TEST(Redactor, JsonAndFormBodiesOnBothSides) {
  flow::Flow f = api_flow();
  f.request.method = "POST";
  f.request.headers.add("Content-Type", "application/x-www-form-urlencoded");
  set_body(f.request.body, "user=ada&password=hunter2");
  set_body(f.response->body, R"({"user":{"name":"ada","api_key":"k1"},"sessions":[{"token":"t1"}]})");
  auto out = compiled().redacted(f);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->request.body.data, "user=ada&password=REDACTED");
  EXPECT_EQ(out->response->body.data, R"({"user":{"name":"ada","api_key":"REDACTED"},"sessions":[{"token":"REDACTED"}]})");
  // `size` is what the wire carried; the notes tell what was taken out.
  EXPECT_EQ(out->request.body.size, f.request.body.size);
  EXPECT_FALSE(out->request.body.truncated);
  EXPECT_EQ(described(out->redactions),
            (std::vector<std::string>{"request_body password 7", "response_header Set-Cookie 14",
                                      "response_body user.api_key 2", "response_body sessions[0].token 2"}));
}

TEST(Redactor, JsonSentAsAFormIsReadAsJson) {
  // curl -d '{"password":"x"}' labels it a form.
  flow::Flow f = api_flow();
  f.request.headers.add("Content-Type", "application/x-www-form-urlencoded");
  set_body(f.request.body, R"({"password":"pw"})");
  auto out = compiled().redacted(f);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->request.body.data, R"({"password":"REDACTED"})");
}

TEST(Redactor, OtherBodiesAreNotRead) {
  flow::Flow f = api_flow();
  f.response->headers.remove("Set-Cookie");
  f.response->headers.set("Content-Type", "text/plain");
  set_body(f.response->body, "password=hunter2&token=x");  // a form only when it says so
  set_body(f.request.body, R"({"password":)");              // JSON that is broken
  EXPECT_FALSE(compiled().redacted(f));
}

TEST(Redactor, AGzipJsonBodyIsStoredDecodedWithoutItsContentEncoding) {
  flow::Flow f = api_flow();
  const std::string plain = R"({"token":"t-secret","items":[1,2,3]})";
  f.response->headers.add("Content-Encoding", "gzip");
  set_body(f.response->body, gzip(plain));
  auto out = compiled().redacted(f);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->response->body.data, R"({"token":"REDACTED","items":[1,2,3]})");
  EXPECT_EQ(out->response->body.size, f.response->body.size);  // the wire size
  EXPECT_FALSE(out->response->body.truncated);
  EXPECT_EQ(header(out->response->headers, "Content-Encoding"), nullptr);
  EXPECT_EQ(*header(out->response->headers, "Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(described(out->redactions), (std::vector<std::string>{"response_header Set-Cookie 14",
                                                                  "response_body token 8 (gzip)"}));
}

TEST(Redactor, AGzipBodyWithoutSecretsStaysEncoded) {
  flow::Flow f = api_flow();
  f.response->headers.items.clear();
  f.response->headers.add("Content-Type", "application/json");
  f.response->headers.add("Content-Encoding", "gzip");
  set_body(f.response->body, gzip(R"({"items":[1,2,3]})"));
  EXPECT_FALSE(compiled().redacted(f));
}

TEST(Redactor, AnEncodedJsonBodyThatCannotBeDecodedIsDropped) {
  flow::Flow f = api_flow();
  f.response->headers.items.clear();
  f.response->headers.add("Content-Type", "application/json");
  f.response->headers.add("Content-Encoding", "gzip");
  const std::string wire = gzip(R"({"token":"t-secret"})");
  f.response->body.data = wire.substr(0, 10);  // cut by the body limit
  f.response->body.size = wire.size();
  f.response->body.truncated = true;
  auto out = compiled().redacted(f);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->response->body.data, "");
  EXPECT_TRUE(out->response->body.truncated);
  EXPECT_EQ(out->response->body.size, wire.size());
  EXPECT_EQ(*header(out->response->headers, "Content-Encoding"), "gzip");  // nothing kept to contradict it
  EXPECT_EQ(described(out->redactions), (std::vector<std::string>{"response_body  10 (gzip)"}));
}

TEST(Redactor, AnEncodedBodyOfAnotherTypeIsNotRead) {
  flow::Flow f = api_flow();
  f.response->headers.items.clear();
  f.response->headers.add("Content-Type", "text/html");
  f.response->headers.add("Content-Encoding", "br");
  set_body(f.response->body, "\x0b\x02\x80garbage");
  EXPECT_FALSE(compiled().redacted(f));
}

TEST(Redactor, ACutPlainJsonBodyIsRedactedToItsEnd) {
  flow::Flow f = api_flow();
  f.response->headers.items.clear();
  f.response->body.data = R"({"items":[{"password":"abc)";
  f.response->body.size = 1000;
  f.response->body.truncated = true;
  auto out = compiled().redacted(f);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->response->body.data, R"({"items":[{"password":"REDACTED")");
  EXPECT_TRUE(out->response->body.truncated);
}

TEST(Redactor, AFlowWithoutSecretsIsNotCopied) {
  flow::Flow f = api_flow();
  f.response->headers.remove("Set-Cookie");
  EXPECT_FALSE(compiled().redacted(f));
  flow::Flow same = f;
  compiled().redact(same);
  EXPECT_EQ(same.request.url, f.request.url);
  EXPECT_TRUE(same.redactions.empty());
}

TEST(Redactor, HeadsWithoutBodiesAsLiveEventsCarryThem) {
  flow::Flow f = api_flow();
  f.request.url += "&token=t1";
  f.request.headers.add("Authorization", "Bearer x");
  flow::Flow head = flow::without_bodies(f);
  compiled().redact(head);
  EXPECT_EQ(head.request.url, "https://api.example.com/v1/items?page=2&token=REDACTED");
  EXPECT_EQ(*header(head.request.headers, "Authorization"), "Bearer REDACTED");
  EXPECT_TRUE(head.response->body.data.empty());
}

TEST(Redactor, ATunnelsConnectCredentials) {
  flow::Flow f;
  f.scheme = "tunnel";
  f.request.method = "CONNECT";
  f.request.url = "example.com:443";
  f.request.headers.add("Proxy-Authorization", "Basic dXNlcjpwYXNz");
  auto out = compiled().redacted(f);
  ASSERT_TRUE(out);
  EXPECT_EQ(*header(out->request.headers, "Proxy-Authorization"), "Basic REDACTED");
  EXPECT_EQ(out->request.url, "example.com:443");
}

TEST(Redactor, BadPatternsNameTheirFlag) {
  auto bad_regex = Redactor::compile({.headers = {}, .params = {"(unclosed"}, .fields = {}});
  ASSERT_FALSE(bad_regex);
  EXPECT_NE(bad_regex.error().message.find("--redact-param \"(unclosed\": invalid regex"), std::string::npos)
      << bad_regex.error().message;
  auto empty = Redactor::compile({.headers = {}, .params = {}, .fields = {""}});
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("--redact-field"), std::string::npos) << empty.error().message;
}

}  // namespace
}  // namespace flowscope::redact
