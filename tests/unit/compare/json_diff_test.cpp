// JSON bodies compared field by field: nested objects, arrays, types, ignores.
#include <gtest/gtest.h>

#include "core/compare/json_diff.hpp"
#include "tests/unit/compare/compare_test_flows.hpp"

namespace flowscope::compare {
namespace {

using nlohmann::json;
using testing::describe;
using Lines = std::vector<std::string>;

Lines diff(std::string_view before, std::string_view after, std::vector<std::string> ignored = {}) {
  std::vector<FieldPattern> patterns;
  for (const auto& text : ignored) {
    auto pattern = FieldPattern::parse(text);
    EXPECT_TRUE(pattern) << text;
    if (pattern) patterns.push_back(std::move(*pattern));
  }
  return describe(diff_json(json::parse(before), json::parse(after), patterns));
}

TEST(JsonDiff, EqualDocumentsHaveNoChanges) {
  EXPECT_EQ(diff(R"({"a":1,"b":[1,2,{"c":null}]})", R"({"b":[1,2,{"c":null}],"a":1})"), Lines{});
  EXPECT_EQ(diff("1", "1.0"), Lines{}) << "numbers compare by value";
}

TEST(JsonDiff, NestedFieldsAreNamedByTheirPath) {
  EXPECT_EQ(diff(R"({"user":{"id":1,"name":"ada"}})", R"({"user":{"id":2,"name":"ada"}})"),
            Lines{"$.user.id: 1 → 2"});
  EXPECT_EQ(diff(R"({"a":{"b":{"c":"x"}}})", R"({"a":{"b":{"c":"y"}}})"),
            Lines{"$.a.b.c: \"x\" → \"y\""});
}

TEST(JsonDiff, AddedAndRemovedKeys) {
  EXPECT_EQ(diff(R"({"keep":1,"gone":true})", R"({"keep":1,"new":{"x":1}})"),
            (Lines{"$.gone: removed true", "$.new: added {\"x\":1}"}));
}

TEST(JsonDiff, ArraysCompareByIndex) {
  EXPECT_EQ(diff(R"({"items":[{"id":1},{"id":2}]})", R"({"items":[{"id":1},{"id":3}]})"),
            Lines{"$.items[1].id: 2 → 3"});
  EXPECT_EQ(diff(R"([1,2])", R"([1,2,3,4])"), (Lines{"$[2]: added 3", "$[3]: added 4"}));
  EXPECT_EQ(diff(R"([1,2,3])", R"([1])"), (Lines{"$[1]: removed 2", "$[2]: removed 3"}));
}

TEST(JsonDiff, ATypeChangeIsOneChangeAtItsPath) {
  EXPECT_EQ(diff(R"({"v":{"x":1}})", R"({"v":[1]})"), Lines{"$.v: {\"x\":1} → [1]"});
  EXPECT_EQ(diff(R"({"v":"1"})", R"({"v":1})"), Lines{"$.v: \"1\" → 1"});
  EXPECT_EQ(diff(R"({"v":null})", R"({"v":false})"), Lines{"$.v: null → false"});
}

TEST(JsonDiff, OddKeysAreQuotedInThePath) {
  EXPECT_EQ(diff(R"({"a.b":1})", R"({"a.b":2})"), Lines{"$[\"a.b\"]: 1 → 2"});
}

TEST(JsonDiff, IgnoredFieldsAndWhatIsBelowThemAreSkipped) {
  const char* before =
      R"({"id":1,"ts":100,"meta":{"took":5,"host":"a"},"items":[{"id":1,"at":1},{"id":2,"at":2}]})";
  const char* after =
      R"({"id":1,"ts":200,"meta":{"took":9,"host":"b"},"items":[{"id":1,"at":3},{"id":2,"at":4}]})";
  EXPECT_EQ(diff(before, after, {"ts", "$.meta", "items[*].at"}), Lines{});
  EXPECT_EQ(diff(before, after, {"ts", "meta.took", "items[0].at"}),
            (Lines{"$.items[1].at: 2 → 4", "$.meta.host: \"a\" → \"b\""}));
}

TEST(JsonDiff, AnIgnoredFieldThatAppearsOrVanishesIsSkippedToo) {
  EXPECT_EQ(diff(R"({"a":1,"request_id":"x"})", R"({"a":1})", {"request_id"}), Lines{});
  EXPECT_EQ(diff(R"({"a":1})", R"({"a":1,"request_id":"y"})", {"request_id"}), Lines{});
  EXPECT_EQ(diff(R"([1])", R"([1,2])", {"[*]"}), Lines{});
}

TEST(JsonDiff, LongValuesAreCutInThePreview) {
  const std::string long_text(500, 'x');
  auto lines = diff(R"({"v":"a"})", "{\"v\":\"" + long_text + "\"}");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].size(),
            std::string("$.v: \"a\" → ").size() + kValuePreviewBytes + std::string("…").size());
  EXPECT_TRUE(lines[0].ends_with("xx…"));
}

TEST(JsonDiff, ManyChangesAreCountedBeyondTheListedOnes) {
  json before = json::array(), after = json::array();
  for (std::size_t i = 0; i < kMaxFieldChanges + 5; ++i) {
    before.push_back(i);
    after.push_back(i + 1);
  }
  const JsonDiff d = diff_json(before, after, {});
  EXPECT_EQ(d.changes.size(), kMaxFieldChanges);
  EXPECT_EQ(d.not_listed, 5u);
  EXPECT_FALSE(d.empty());
}

}  // namespace
}  // namespace flowscope::compare
