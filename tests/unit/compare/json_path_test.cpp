// --ignore-field paths: parsing, printing, and which concrete paths a pattern covers.
#include <gtest/gtest.h>

#include "core/compare/json_path.hpp"

namespace flowscope::compare {
namespace {

JsonPath path(std::initializer_list<PathStep> steps) {
  return JsonPath(steps);
}
PathStep key(std::string k) {
  return PathStep::of_key(std::move(k));
}
PathStep at(std::size_t i) {
  return PathStep::of_index(i);
}

bool covers(std::string_view pattern, const JsonPath& p) {
  auto parsed = FieldPattern::parse(pattern);
  EXPECT_TRUE(parsed) << pattern << ": " << (parsed ? "" : parsed.error().message);
  return parsed && parsed->covers(p);
}

std::string error_of(std::string_view pattern) {
  auto parsed = FieldPattern::parse(pattern);
  EXPECT_FALSE(parsed) << pattern << " parsed";
  return parsed ? std::string() : parsed.error().message;
}

TEST(JsonPath, FormatsKeysIndicesAndOddKeys) {
  EXPECT_EQ(format_path({}), "$");
  EXPECT_EQ(format_path(path({key("user"), key("id")})), "$.user.id");
  EXPECT_EQ(format_path(path({key("items"), at(2), key("name")})), "$.items[2].name");
  EXPECT_EQ(format_path(path({key("a.b")})), "$[\"a.b\"]");
  EXPECT_EQ(format_path(path({key("say \"hi\"")})), "$[\"say \\\"hi\\\"\"]");
  EXPECT_EQ(format_path(path({key("")})), "$[\"\"]");
  EXPECT_EQ(format_path(path({key("*")})), "$[\"*\"]") << "a key named * is not the wildcard";
  EXPECT_EQ(format_path(path({key("user_id-2")})), "$.user_id-2");
}

TEST(JsonPath, DollarIsOptional) {
  const JsonPath user_id = path({key("user"), key("id")});
  EXPECT_TRUE(covers("$.user.id", user_id));
  EXPECT_TRUE(covers("user.id", user_id));
  EXPECT_FALSE(covers("user.name", user_id));
  EXPECT_FALSE(covers("id", user_id)) << "a pattern is anchored at the root";
}

TEST(JsonPath, APatternCoversEverythingBelowIt) {
  EXPECT_TRUE(covers("meta", path({key("meta"), key("time")})));
  EXPECT_TRUE(covers("$.meta", path({key("meta")})));
  EXPECT_FALSE(covers("$.meta.time", path({key("meta")})))
      << "a parent is not covered by its child";
  EXPECT_TRUE(covers("$", path({key("anything")})));
}

TEST(JsonPath, IndicesAndWildcards) {
  const JsonPath second = path({key("items"), at(1), key("updated_at")});
  EXPECT_TRUE(covers("items[1].updated_at", second));
  EXPECT_FALSE(covers("items[0].updated_at", second));
  EXPECT_TRUE(covers("items[*].updated_at", second));
  EXPECT_TRUE(covers("$.items.*.updated_at", second)) << "* is any key or index";
  EXPECT_TRUE(covers("$.*[1]", second));
  EXPECT_TRUE(covers("[0]", path({at(0), key("id")})));
  EXPECT_FALSE(covers("items.1", second)) << ".1 names the key \"1\", not index 1";
  EXPECT_TRUE(covers("$.map.1", path({key("map"), key("1")})));
}

TEST(JsonPath, QuotedKeys) {
  EXPECT_TRUE(covers("$[\"a.b\"].c", path({key("a.b"), key("c")})));
  EXPECT_TRUE(covers("[\"x]y\"]", path({key("x]y")})));
  EXPECT_TRUE(covers("$[\"q\\\"uote\"]", path({key("q\"uote")})));
  EXPECT_TRUE(covers("$ref", path({key("$ref")}))) << "$ followed by a name is a key";
}

TEST(JsonPath, WhatDiffPrintsParsesBackToTheSamePath) {
  for (const JsonPath& p : {path({key("user"), key("id")}), path({key("a.b"), at(3), key("")}),
                            path({key("say \"hi\""), key("x y")}), path({at(0), at(1)})}) {
    EXPECT_TRUE(covers(format_path(p), p)) << format_path(p);
  }
}

TEST(JsonPath, ErrorsSayWhatIsWrongAndWhere) {
  EXPECT_EQ(error_of(""), "--ignore-field needs a path, such as $.user.id or items[*].id");
  EXPECT_EQ(error_of("user..id"),
            "--ignore-field user..id: empty key at column 6 (write a.b, or $[\"\"] for a key that "
            "is the empty "
            "string)");
  EXPECT_NE(error_of("items[x]")
                .find("[x] is not an index at column 6 (expected an array index such as [0]"),
            std::string::npos);
  EXPECT_NE(error_of("items[2").find("'[' without ']'"), std::string::npos);
  EXPECT_NE(error_of("a]").find("']' without '['"), std::string::npos);
  EXPECT_NE(error_of("$[\"open").find("unterminated quoted key"), std::string::npos);
  EXPECT_NE(error_of("$.").find("empty key"), std::string::npos);
  EXPECT_NE(error_of("items[-1]").find("array index"), std::string::npos);
}

}  // namespace
}  // namespace flowscope::compare
