// `!`, `&` and `|`: short-circuiting, so a cheap term on the left spares the right.
#include "core/filter/node.hpp"

namespace flowscope::filter {

namespace {

class Not final : public Node {
 public:
  explicit Not(NodePtr operand) : operand_(std::move(operand)) {}
  bool matches(const flow::Flow& flow) const override { return !operand_->matches(flow); }

 private:
  NodePtr operand_;
};

class And final : public Node {
 public:
  And(NodePtr left, NodePtr right) : left_(std::move(left)), right_(std::move(right)) {}
  bool matches(const flow::Flow& flow) const override { return left_->matches(flow) && right_->matches(flow); }

 private:
  NodePtr left_, right_;
};

class Or final : public Node {
 public:
  Or(NodePtr left, NodePtr right) : left_(std::move(left)), right_(std::move(right)) {}
  bool matches(const flow::Flow& flow) const override { return left_->matches(flow) || right_->matches(flow); }

 private:
  NodePtr left_, right_;
};

}  // namespace

NodePtr make_not(NodePtr operand) { return std::make_unique<Not>(std::move(operand)); }
NodePtr make_and(NodePtr left, NodePtr right) { return std::make_unique<And>(std::move(left), std::move(right)); }
NodePtr make_or(NodePtr left, NodePtr right) { return std::make_unique<Or>(std::move(left), std::move(right)); }

}  // namespace flowscope::filter
