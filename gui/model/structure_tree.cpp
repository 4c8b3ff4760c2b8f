#include "gui/model/structure_tree.hpp"

#include <algorithm>
#include <string_view>

namespace flowscope::gui {

namespace {

StructureNode& child(std::vector<StructureNode>& nodes, std::string_view label) {
  auto at = std::lower_bound(nodes.begin(), nodes.end(), label,
                             [](const StructureNode& node, std::string_view wanted) { return node.label < wanted; });
  if (at == nodes.end() || at->label != label) {
    StructureNode node;
    node.label = std::string(label);
    at = nodes.insert(at, std::move(node));
  }
  return *at;
}

}  // namespace

void StructureTree::add(const FlowRow& row) {
  StructureNode& host = child(hosts_, row.host);
  host.host = row.host;
  ++host.count;
  std::string_view path = std::string_view(row.path).substr(0, row.path.find('?'));
  StructureNode* parent = &host;
  std::size_t start = 0;
  while (start < path.size()) {
    if (path[start] == '/') {
      ++start;
      continue;
    }
    std::size_t end = std::min(path.find('/', start), path.size());
    StructureNode& segment = child(parent->children, path.substr(start, end - start));
    if (segment.host.empty()) {
      segment.host = row.host;
      segment.path_prefix = std::string(path.substr(0, end));
    }
    ++segment.count;
    parent = &segment;
    start = end;
  }
}

const std::vector<StructureNode>& StructureTree::update(const FlowList& flows) {
  if (flows.removals() != removals_ || flows.size() < counted_) {
    hosts_.clear();
    counted_ = 0;
    removals_ = flows.removals();
  }
  for (; counted_ < flows.size(); ++counted_) add(flows.row(counted_));
  return hosts_;
}

std::vector<StructureNode> build_structure_tree(const FlowList& flows) {
  StructureTree tree;
  return tree.update(flows);
}

}  // namespace flowscope::gui
