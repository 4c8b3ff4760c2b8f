#pragma once
// A compiled filter is a tree of nodes. Nodes are immutable after compilation, so one
// tree may be matched from several threads at once (the engine's worker threads call
// sinks concurrently).
#include <memory>

#include "core/flow/flow.hpp"

namespace flowscope::filter {

class Node {
 public:
  virtual ~Node() = default;
  virtual bool matches(const flow::Flow& flow) const = 0;
};

using NodePtr = std::unique_ptr<const Node>;

NodePtr make_not(NodePtr operand);
NodePtr make_and(NodePtr left, NodePtr right);
NodePtr make_or(NodePtr left, NodePtr right);

}  // namespace flowscope::filter
