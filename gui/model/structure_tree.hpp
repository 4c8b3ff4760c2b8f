#pragma once
// The structure view: hosts, then path segments, each with how many flows lie at or
// below it. Selecting a node scopes the flow list (FlowList::set_scope).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "gui/model/flow_list.hpp"

namespace flowscope::gui {

struct StructureNode {
  std::string label;        // the host, or one path segment
  std::string host;         // for set_scope
  std::string path_prefix;  // "" for a host node, "/api/v1" below it
  std::size_t count = 0;
  std::vector<StructureNode> children;  // sorted by label
};

// Hosts sorted by name, over every flow (filter and scope ignored, so the tree stays
// put while a node is selected).
std::vector<StructureNode> build_structure_tree(const FlowList& flows);

// Keeps a tree and adds only the flows that arrived since the last update; it starts
// over only when flows were removed.
class StructureTree {
 public:
  const std::vector<StructureNode>& update(const FlowList& flows);
  const std::vector<StructureNode>& hosts() const { return hosts_; }

 private:
  void add(const FlowRow& row);

  std::vector<StructureNode> hosts_;
  std::size_t counted_ = 0;
  std::uint64_t removals_ = 0;
};

}  // namespace flowscope::gui
