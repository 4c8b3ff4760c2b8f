#include "gui/model/json_tree.hpp"

#include <gtest/gtest.h>

namespace flowscope::gui {
namespace {

using Kind = JsonNode::Kind;

TEST(JsonTree, BuildsNestedObjectsAndArrays) {
  auto tree = parse_json_tree(R"({"name": "flow", "n": 3, "ok": true, "none": null,
                                  "items": [1, {"deep": "x"}]})");
  ASSERT_TRUE(tree) << tree.error().message;
  EXPECT_EQ(tree->kind, Kind::kObject);
  EXPECT_EQ(tree->value_preview, "{5}");
  ASSERT_EQ(tree->children.size(), 5u);
  // nlohmann keeps object keys sorted.
  const JsonNode& items = tree->children[0];
  EXPECT_EQ(items.key, "items");
  EXPECT_EQ(items.kind, Kind::kArray);
  EXPECT_EQ(items.value_preview, "[2]");
  ASSERT_EQ(items.children.size(), 2u);
  EXPECT_EQ(items.children[0].key, "[0]");
  EXPECT_EQ(items.children[0].kind, Kind::kNumber);
  EXPECT_EQ(items.children[0].value_preview, "1");
  EXPECT_EQ(items.children[1].children[0].key, "deep");
  EXPECT_EQ(items.children[1].children[0].value_preview, "\"x\"");
  EXPECT_EQ(items.children[1].children[0].kind, Kind::kString);
  EXPECT_EQ(tree->children[1].key, "n");
  EXPECT_EQ(tree->children[2].kind, Kind::kString);
  EXPECT_EQ(tree->children[3].kind, Kind::kNull);
  EXPECT_EQ(tree->children[4].kind, Kind::kBool);
  EXPECT_EQ(tree->children[4].value_preview, "true");
}

TEST(JsonTree, RefusesInvalidJson) {
  EXPECT_FALSE(parse_json_tree("{\"a\": "));
  EXPECT_FALSE(parse_json_tree("<html>"));
  EXPECT_FALSE(parse_json_tree(""));
}

TEST(JsonTree, RefusesNestingBeyondTheCapWithoutRecursingIntoIt) {
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  auto tree = parse_json_tree(deep);
  ASSERT_FALSE(tree);
  EXPECT_NE(tree.error().message.find("deeper"), std::string::npos);
  EXPECT_EQ(pretty_json(deep), deep);

  std::string ok(kMaxJsonDepth, '[');
  ok += std::string(kMaxJsonDepth, ']');
  EXPECT_TRUE(parse_json_tree(ok));
  // Brackets inside strings do not count.
  EXPECT_TRUE(parse_json_tree("[\"" + std::string(1000, '[') + "\"]"));
}

TEST(JsonTree, CapsChildrenPerNode) {
  std::string big = "[";
  for (std::size_t i = 0; i < kMaxJsonChildren + 5; ++i) big += (i ? ",0" : "0");
  big += "]";
  auto tree = parse_json_tree(big);
  ASSERT_TRUE(tree);
  ASSERT_EQ(tree->children.size(), kMaxJsonChildren + 1);
  EXPECT_EQ(tree->children.back().kind, Kind::kMore);
  EXPECT_EQ(tree->children.back().value_preview, "5 more");
}

TEST(JsonTree, PrettyPrintsJsonAndLeavesOtherTextAlone) {
  EXPECT_EQ(pretty_json(R"({"a":[1,2],"b":"x"})"), "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": \"x\"\n}");
  EXPECT_EQ(pretty_json("not json {"), "not json {");
  EXPECT_EQ(pretty_json(""), "");
}

}  // namespace
}  // namespace flowscope::gui
