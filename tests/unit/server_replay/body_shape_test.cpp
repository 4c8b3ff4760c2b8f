// Request bodies as server replay compares them: JSON by value, forms by their fields,
// the rest byte for byte, and bodies a limit cut by what was kept.
#include "core/server_replay/body_shape.hpp"

#include <gtest/gtest.h>

#include "tests/unit/server_replay/recorded_flows.hpp"

namespace flowscope::server_replay {
namespace {

using testing::request;

bool same(const flow::Request& recorded, const flow::Request& live, const MatchRules& rules = {}) {
  return same_body(body_shape(recorded, rules), body_shape(live, rules));
}

flow::Request post(std::string body, std::string type) {
  return request("POST", "http://x.test/items", std::move(body), std::move(type));
}

TEST(BodyShape, JsonComparesByValue) {
  const auto recorded = post(R"({"name":"widget","tags":["a","b"],"price":9.5})", "application/json");
  EXPECT_TRUE(same(recorded, post(R"({ "price": 9.5, "tags": ["a", "b"], "name": "widget" })", "application/json")));
  EXPECT_TRUE(same(recorded, post(R"({"price":9.50,"name":"widget","tags":["a","b"]})",
                                  "application/vnd.api+json; charset=utf-8")));
  EXPECT_FALSE(same(recorded, post(R"({"name":"widget","tags":["b","a"],"price":9.5})", "application/json")))
      << "array order matters";
  EXPECT_FALSE(same(recorded, post(R"({"name":"gadget","tags":["a","b"],"price":9.5})", "application/json")));
  EXPECT_EQ(body_shape(recorded, {}).kind, BodyShape::Kind::kJson);
}

TEST(BodyShape, JsonThatDoesNotParseComparesAsBytes) {
  const auto broken = post(R"({"name":)", "application/json");
  EXPECT_EQ(body_shape(broken, {}).kind, BodyShape::Kind::kBytes);
  EXPECT_TRUE(same(broken, post(R"({"name":)", "application/json")));
  EXPECT_FALSE(same(broken, post(R"({"name": )", "application/json")));
}

TEST(BodyShape, WithoutAJsonContentTypeJsonIsBytes) {
  EXPECT_FALSE(same(post(R"({"a":1,"b":2})", "text/plain"), post(R"({"b":2,"a":1})", "text/plain")));
  EXPECT_FALSE(same(post(R"({"a":1,"b":2})", ""), post(R"({"b":2,"a":1})", "")));
}

TEST(BodyShape, FormFieldsCompareInAnyOrderWithoutIgnoredOnes) {
  const char* form = "application/x-www-form-urlencoded";
  EXPECT_TRUE(same(post("name=Ada+Lovelace&note=a%26b", form), post("note=a%26b&name=Ada%20Lovelace", form)));
  EXPECT_FALSE(same(post("name=Ada", form), post("name=Grace", form)));
  MatchRules rules;
  ASSERT_TRUE(add_match_rule(rules, "ignore-param=csrf"));
  EXPECT_TRUE(same(post("name=Ada&csrf=111", form), post("csrf=222&name=Ada", form), rules));
  EXPECT_FALSE(same(post("name=Ada&csrf=111", form), post("csrf=222&name=Ada", form)));
}

TEST(BodyShape, OtherBodiesCompareByteForByte) {
  const std::string binary("\x00\x01\xff", 3);
  EXPECT_TRUE(same(post(binary, "application/octet-stream"), post(binary, "application/octet-stream")));
  EXPECT_FALSE(same(post(binary, "application/octet-stream"), post(binary + "x", "application/octet-stream")));
  EXPECT_TRUE(same(request("GET", "http://x.test/"), request("GET", "http://x.test/")));
}

TEST(BodyShape, AKindMismatchStillMatchesIdenticalBytes) {
  EXPECT_TRUE(same(post(R"({"a":1})", "application/json"), post(R"({"a":1})", "text/plain")));
}

TEST(BodyShape, ACutBodyMatchesOnSizeAndItsKeptPrefix) {
  auto recorded = post("0123456789", "application/json");
  recorded.body.data = "0123";
  recorded.body.size = 10;
  recorded.body.truncated = true;
  EXPECT_EQ(body_shape(recorded, {}).kind, BodyShape::Kind::kBytes);
  EXPECT_TRUE(same(recorded, post("0123456789", "application/json")));
  EXPECT_FALSE(same(recorded, post("0123456780x", "application/json"))) << "another size";
  EXPECT_FALSE(same(recorded, post("0124456789", "application/json"))) << "another prefix";
}

TEST(BodyShape, AnEncodedRequestBodyIsBytes) {
  auto gzipped = post(R"({"a":1})", "application/json");
  gzipped.headers.add("Content-Encoding", "gzip");
  EXPECT_EQ(body_shape(gzipped, {}).kind, BodyShape::Kind::kBytes);
}

}  // namespace
}  // namespace flowscope::server_replay
