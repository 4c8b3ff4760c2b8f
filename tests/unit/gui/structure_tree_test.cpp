#include "gui/model/structure_tree.hpp"

#include <gtest/gtest.h>

namespace flowscope::gui {
namespace {

flow::Flow get(std::string id, std::string url) {
  flow::Flow flow;
  flow.id = std::move(id);
  flow.request.method = "GET";
  flow.request.url = std::move(url);
  return flow;
}

TEST(StructureTree, CountsHostsAndSegments) {
  FlowList list;
  list.add(get("1", "https://b.example/api/v1/users?page=2"));
  list.add(get("2", "https://b.example/api/v1/items"));
  list.add(get("3", "https://b.example/"));
  list.add(get("4", "https://a.example/api"));
  auto hosts = build_structure_tree(list);
  ASSERT_EQ(hosts.size(), 2u);
  EXPECT_EQ(hosts[0].label, "a.example");
  EXPECT_EQ(hosts[0].count, 1u);
  const StructureNode& b = hosts[1];
  EXPECT_EQ(b.label, "b.example");
  EXPECT_EQ(b.host, "b.example");
  EXPECT_EQ(b.path_prefix, "");
  EXPECT_EQ(b.count, 3u);
  ASSERT_EQ(b.children.size(), 1u);
  const StructureNode& api = b.children[0];
  EXPECT_EQ(api.count, 2u);
  ASSERT_EQ(api.children.size(), 1u);
  const StructureNode& v1 = api.children[0];
  EXPECT_EQ(v1.path_prefix, "/api/v1");
  ASSERT_EQ(v1.children.size(), 2u);
  EXPECT_EQ(v1.children[0].label, "items");
  EXPECT_EQ(v1.children[1].label, "users");
  EXPECT_EQ(v1.children[1].path_prefix, "/api/v1/users");

  // A node's scope shows exactly the flows it counts.
  list.set_scope(v1.host, v1.path_prefix);
  EXPECT_EQ(list.visible().size(), v1.count);
}

TEST(StructureTree, AddsNewFlowsAndStartsOverAfterRemovals) {
  FlowList list;
  list.add(get("1", "https://a.example/x"));
  StructureTree tree;
  EXPECT_EQ(tree.update(list)[0].count, 1u);
  list.add(get("2", "https://a.example/x/y"));
  EXPECT_EQ(tree.update(list)[0].count, 2u);
  EXPECT_EQ(tree.hosts()[0].children[0].count, 2u);
  list.erase("1");
  EXPECT_EQ(tree.update(list)[0].count, 1u);
  list.clear();
  EXPECT_TRUE(tree.update(list).empty());
}

}  // namespace
}  // namespace flowscope::gui
