// The canonical URL and the lookup key: what makes two requests the same request.
#include "core/server_replay/request_key.hpp"

#include <gtest/gtest.h>

#include "tests/unit/server_replay/recorded_flows.hpp"

namespace flowscope::server_replay {
namespace {

using testing::request;

std::string canonical(std::string_view url, std::set<std::string> ignored = {}) {
  return canonical_url(url, ignored);
}

TEST(CanonicalUrl, QueryParameterOrderDoesNotMatter) {
  EXPECT_EQ(canonical("http://x.test/a?b=2&a=1"), canonical("http://x.test/a?a=1&b=2"));
  EXPECT_EQ(canonical("http://x.test/a?b=2&a=1"), "http://x.test:80/a?a=1&b=2");
}

TEST(CanonicalUrl, RepeatedParametersStayRepeated) {
  EXPECT_EQ(canonical("http://x.test/?tag=b&tag=a"), canonical("http://x.test/?tag=a&tag=b"));
  EXPECT_NE(canonical("http://x.test/?tag=a&tag=b"), canonical("http://x.test/?tag=a"));
}

TEST(CanonicalUrl, EncodingsOfTheSameValueAreOneValue) {
  EXPECT_EQ(canonical("http://x.test/?q=a+b"), canonical("http://x.test/?q=a%20b"));
  EXPECT_EQ(canonical("http://x.test/?q=%C3%A9"), canonical("http://x.test/?q=%c3%a9"));
  EXPECT_NE(canonical("http://x.test/?q=a%26b"), canonical("http://x.test/?q=a&b"));
}

TEST(CanonicalUrl, DefaultPortsHostCaseAndFragmentsDoNotMatter) {
  EXPECT_EQ(canonical("http://X.Test:80/p"), canonical("http://x.test/p"));
  EXPECT_EQ(canonical("https://x.test:443/p#top"), canonical("https://x.test/p"));
  EXPECT_NE(canonical("https://x.test/p"), canonical("http://x.test/p")) << "the scheme matters";
  EXPECT_NE(canonical("http://x.test:8080/p"), canonical("http://x.test/p")) << "another port is another origin";
  EXPECT_NE(canonical("http://x.test/P"), canonical("http://x.test/p")) << "paths are case-sensitive";
}

TEST(CanonicalUrl, AnEmptyQueryIsNoQuery) {
  EXPECT_EQ(canonical("http://x.test/p?"), "http://x.test:80/p");
  EXPECT_EQ(canonical("http://x.test/p?&&"), "http://x.test:80/p");
}

TEST(CanonicalUrl, IgnoredParametersAreLeftOut) {
  EXPECT_EQ(canonical("http://x.test/p?ts=1&id=4", {"ts"}), canonical("http://x.test/p?id=4&ts=99", {"ts"}));
  EXPECT_EQ(canonical("http://x.test/p?ts=1", {"ts"}), canonical("http://x.test/p", {"ts"}));
  EXPECT_NE(canonical("http://x.test/p?ts=1&id=4", {"ts"}), canonical("http://x.test/p?id=5", {"ts"}));
}

TEST(CanonicalUrl, WhatIsNoHttpUrlIsComparedAsWritten) {
  EXPECT_EQ(canonical("data:text/plain,hi"), "data:text/plain,hi");
  EXPECT_EQ(canonical("weird://host/p?b=1&a=2"), "weird://host/p?a=2&b=1");
}

TEST(RequestKey, MethodAndUrl) {
  EXPECT_EQ(request_key(request("GET", "http://x.test/a?b=1&a=2"), {}), "GET http://x.test:80/a?a=2&b=1");
  EXPECT_NE(request_key(request("GET", "http://x.test/a"), {}), request_key(request("HEAD", "http://x.test/a"), {}));
}

TEST(RequestKey, HeadersTakePartOnlyWhenARuleNamesThem) {
  flow::Request json = request("GET", "http://x.test/a");
  json.headers.add("Accept", "application/json");
  json.headers.add("User-Agent", "one");
  flow::Request xml = request("GET", "http://x.test/a");
  xml.headers.add("accept", "application/xml");
  xml.headers.add("User-Agent", "two");
  EXPECT_EQ(request_key(json, {}), request_key(xml, {}));

  MatchRules rules;
  ASSERT_TRUE(add_match_rule(rules, "header=Accept"));
  EXPECT_NE(request_key(json, rules), request_key(xml, rules));
  xml.headers.set("Accept", "application/json");
  EXPECT_EQ(request_key(json, rules), request_key(xml, rules)) << "names compare without case";
}

TEST(RequestKey, AnAbsentHeaderDiffersFromAnEmptyOne) {
  MatchRules rules;
  ASSERT_TRUE(add_match_rule(rules, "header=X-Tenant"));
  flow::Request empty = request("GET", "http://x.test/a");
  empty.headers.add("X-Tenant", "");
  EXPECT_NE(request_key(request("GET", "http://x.test/a"), rules), request_key(empty, rules));
}

}  // namespace
}  // namespace flowscope::server_replay
