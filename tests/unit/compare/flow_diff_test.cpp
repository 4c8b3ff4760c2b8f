// One exchange against another: status, failure, headers with their ignore rules,
// bodies as JSON or by digest.
#include <gtest/gtest.h>

#include "core/compare/flow_diff.hpp"
#include "core/compare/sha256.hpp"
#include "tests/unit/compare/compare_test_flows.hpp"
#include "tests/unit/filter/filter_test_flows.hpp"

namespace flowscope::compare {
namespace {

using testing::describe;
using testing::exchange;
using testing::options;
using Lines = std::vector<std::string>;

TEST(FlowDiff, TheSameExchangeIsUnchanged) {
  const auto a = exchange("GET", "http://x/a", 200, R"({"user":{"id":1}})");
  auto b = a;
  b.id = "9-9";
  b.started_us = 12345;
  b.timings.wait = 99;
  const ExchangeDiff d = compare_exchanges(a, b, options());
  EXPECT_FALSE(d.changed());
  EXPECT_FALSE(d.outcome_or_response_body_changed());
  EXPECT_TRUE(d.response.body.as_json);
}

TEST(FlowDiff, StatusAndFailure) {
  const auto a = exchange("GET", "http://x/a", 200);
  const auto b = exchange("GET", "http://x/a", 404);
  ExchangeDiff d = compare_exchanges(a, b, options());
  EXPECT_TRUE(d.outcome_changed());
  EXPECT_EQ(d.status_before, 200);
  EXPECT_EQ(d.status_after, 404);

  flow::Flow failed = a;
  failed.response.reset();
  failed.error = "connect to x:80 failed: connection refused";
  d = compare_exchanges(a, failed, options());
  EXPECT_TRUE(d.outcome_or_response_body_changed());
  EXPECT_EQ(d.status_after, std::nullopt);
  EXPECT_EQ(d.error_after, failed.error);
  EXPECT_FALSE(compare_exchanges(failed, failed, options()).changed())
      << "the same failure twice is no change";
}

TEST(FlowDiff, JsonBodiesDifferFieldByField) {
  const auto a = exchange("GET", "http://x/u", 200, R"({"user":{"id":1,"name":"ada"}})");
  const auto b = exchange("GET", "http://x/u", 200, R"({"user":{"id":2,"name":"ada"}})");
  const ExchangeDiff d = compare_exchanges(a, b, options());
  ASSERT_TRUE(d.response.body.as_json);
  EXPECT_TRUE(d.response.body.differs);
  EXPECT_EQ(describe(d.response.body.fields), Lines{"$.user.id: 1 → 2"});
  EXPECT_FALSE(d.outcome_changed());
  EXPECT_TRUE(d.outcome_or_response_body_changed());
  EXPECT_FALSE(compare_exchanges(a, b, options({}, {"user.id"})).changed())
      << "--ignore-field user.id";
}

TEST(FlowDiff, RequestBodiesAreComparedToo) {
  auto a = exchange("POST", "http://x/u");
  auto b = a;
  a.request.body.data = R"({"q":"one"})";
  b.request.body.data = R"({"q":"two"})";
  a.request.body.size = b.request.body.size = a.request.body.data.size();
  const ExchangeDiff d = compare_exchanges(a, b, options());
  EXPECT_TRUE(d.request.body.differs);
  EXPECT_EQ(describe(d.request.body.fields), Lines{"$.q: \"one\" → \"two\""});
  EXPECT_FALSE(d.outcome_or_response_body_changed()) << "replay --check looks at the response";
  EXPECT_TRUE(d.changed());
}

TEST(FlowDiff, OtherBodiesDifferBySizeAndSha256) {
  const auto a = exchange("GET", "http://x/p", 200, "<p>one</p>", "text/html");
  const auto b = exchange("GET", "http://x/p", 200, "<p>two!</p>", "text/html");
  const ExchangeDiff d = compare_exchanges(a, b, options());
  EXPECT_FALSE(d.response.body.as_json);
  EXPECT_TRUE(d.response.body.differs);
  EXPECT_EQ(d.response.body.before.size, 10u);
  EXPECT_EQ(d.response.body.after.size, 11u);
  EXPECT_EQ(d.response.body.before.sha256, sha256_hex("<p>one</p>"));
  EXPECT_FALSE(compare_exchanges(a, a, options()).changed());
}

TEST(FlowDiff, ABodyThatIsJsonOnOneSideOnlyIsComparedByDigest) {
  const auto a = exchange("GET", "http://x/p", 200, R"({"ok":true})");
  const auto b = exchange("GET", "http://x/p", 200, "<html>oops</html>");
  const ExchangeDiff d = compare_exchanges(a, b, options());
  EXPECT_FALSE(d.response.body.as_json);
  EXPECT_TRUE(d.response.body.differs);
}

TEST(FlowDiff, BodiesAreComparedDecoded) {
  const std::string json = R"({"user":"ada"})";
  auto gzipped = exchange("GET", "http://x/g", 200, filter::testing::gzip(json));
  gzipped.response->headers.add("Content-Encoding", "gzip");
  const auto plain = exchange("GET", "http://x/g", 200, json);
  const ExchangeDiff d = compare_exchanges(gzipped, plain, options());
  EXPECT_FALSE(d.response.body.differs) << "gzip on one side only: the same content";
  EXPECT_EQ(d.response.body.before.sha256, d.response.body.after.sha256);
  EXPECT_EQ(d.response.body.before.size, json.size()) << "the decoded size";
  ASSERT_EQ(d.response.headers.size(), 1u) << "but the header differs";
  EXPECT_EQ(d.response.headers[0].name, "Content-Encoding");
  EXPECT_EQ(d.response.headers[0].before, std::vector<std::string>{"gzip"});
  EXPECT_TRUE(d.response.headers[0].after.empty());
}

TEST(FlowDiff, TruncatedBodiesAreComparedByWhatWasKept) {
  auto a = exchange("GET", "http://x/big", 200, R"({"a":)", "application/json");
  a.response->body.size = 5000;
  a.response->body.truncated = true;
  auto b = a;
  ExchangeDiff d = compare_exchanges(a, b, options());
  EXPECT_FALSE(d.response.body.as_json) << "a cut body is no JSON document";
  EXPECT_FALSE(d.response.body.differs);
  EXPECT_TRUE(d.response.body.before.truncated);
  EXPECT_EQ(d.response.body.before.size, 5000u) << "the recorded size";
  b.response->body.size = 6000;
  EXPECT_TRUE(compare_exchanges(a, b, options()).response.body.differs);
}

TEST(FlowDiff, HeadersDifferByNameCaseInsensitivelyAndInOrderOfValues) {
  auto a = exchange("GET", "http://x/h");
  auto b = a;
  a.response->headers.add("X-Version", "1");
  b.response->headers.add("x-version", "2");
  a.response->headers.add("Vary", "Accept");
  a.response->headers.add("Vary", "Origin");
  b.response->headers.add("vary", "Accept");
  b.response->headers.add("VARY", "Origin");
  b.request.headers.add("X-New", "yes");
  const ExchangeDiff d = compare_exchanges(a, b, options());
  ASSERT_EQ(d.response.headers.size(), 1u);
  EXPECT_EQ(d.response.headers[0].name, "X-Version") << "spelt as the first side has it";
  EXPECT_EQ(d.response.headers[0].before, std::vector<std::string>{"1"});
  EXPECT_EQ(d.response.headers[0].after, std::vector<std::string>{"2"});
  ASSERT_EQ(d.request.headers.size(), 1u);
  EXPECT_EQ(d.request.headers[0].name, "X-New");
  EXPECT_TRUE(d.request.headers[0].before.empty());
  EXPECT_FALSE(d.outcome_or_response_body_changed()) << "headers alone do not fail replay --check";
}

TEST(FlowDiff, VolatileHeadersAreIgnoredByDefault) {
  auto a = exchange("GET", "http://x/v");
  auto b = a;
  a.response->headers.add("Date", "Mon, 01 Jan 2024 00:00:00 GMT");
  b.response->headers.add("Date", "Tue, 02 Jan 2024 00:00:00 GMT");
  a.response->headers.add("Set-Cookie", "session=1");
  b.response->headers.add("Set-Cookie", "session=2");
  b.request.headers.add("Connection", "close");  // what a replay adds
  a.response->headers.add("X-Request-Id", "abc");
  b.response->headers.add("x-request-id", "def");
  EXPECT_FALSE(compare_exchanges(a, b, options()).changed());

  const ExchangeDiff all = compare_exchanges(a, b, options({}, {}, /*default_ignores=*/false));
  EXPECT_EQ(all.response.headers.size(), 3u) << "--no-default-ignores compares them";
  EXPECT_EQ(all.request.headers.size(), 1u);
}

TEST(FlowDiff, IgnoreHeaderPatternsAreCaseInsensitiveSearches) {
  auto a = exchange("GET", "http://x/v");
  auto b = a;
  a.response->headers.add("X-Trace-Span", "1");
  b.response->headers.add("X-Trace-Span", "2");
  a.response->headers.add("Server", "nginx/1.1");
  b.response->headers.add("Server", "nginx/1.2");
  EXPECT_EQ(compare_exchanges(a, b, options({"TRACE"})).response.headers.size(), 1u);
  EXPECT_FALSE(compare_exchanges(a, b, options({"trace", "^server$"})).changed());
  EXPECT_EQ(compare_exchanges(a, b, options({"^trace"})).response.headers.size(), 2u)
      << "anchored: no match";
}

TEST(FlowDiff, BadFlagValuesAreErrorsNamingTheFlag) {
  auto bad_regex = make_compare_options({"x-(unclosed"}, {});
  ASSERT_FALSE(bad_regex);
  EXPECT_TRUE(bad_regex.error().message.starts_with("--ignore-header x-(unclosed: "))
      << bad_regex.error().message;
  auto empty = make_compare_options({""}, {});
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("--ignore-header needs a pattern"), std::string::npos);
  auto bad_path = make_compare_options({}, {"a..b"});
  ASSERT_FALSE(bad_path);
  EXPECT_TRUE(bad_path.error().message.starts_with("--ignore-field a..b: "))
      << bad_path.error().message;
}

TEST(FlowDiff, TheDefaultListNamesDate) {
  auto names = default_ignored_headers();
  EXPECT_NE(std::find(names.begin(), names.end(), "Date"), names.end());
}

}  // namespace
}  // namespace flowscope::compare
