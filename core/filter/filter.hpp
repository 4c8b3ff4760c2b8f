#pragma once
// The filter language, mitmproxy's syntax: `~d example.com & !~c 2xx`, `~b "user id"`.
// docs/filters.md describes every term. Compile once, then match many flows; a
// compiled Filter is immutable, cheap to copy (its tree is shared) and safe to match
// from several threads at once.
#include <expected>
#include <memory>
#include <string>
#include <string_view>

#include "core/filter/node.hpp"
#include "core/filter/parse_error.hpp"
#include "core/flow/flow.hpp"
#include "core/result.hpp"

namespace flowscope::filter {

class Filter {
 public:
  // A parse error's message names the problem and ends with the expression and a caret
  // under the column, ready to print.
  static Result<Filter> compile(std::string_view expression);
  // The same parse, with the error unformatted: its message and column, for a caller
  // that shows the caret itself (the GUI's filter box).
  static std::expected<Filter, ParseError> compile_with_position(std::string_view expression);

  bool matches(const flow::Flow& flow) const { return root_->matches(flow); }
  const std::string& expression() const { return expression_; }
  // True when a body term (~b, ~bq, ~bs) is used: matching then decodes bodies.
  bool reads_bodies() const { return reads_bodies_; }

 private:
  Filter(std::shared_ptr<const Node> root, std::string expression, bool reads_bodies)
      : root_(std::move(root)), expression_(std::move(expression)), reads_bodies_(reads_bodies) {}

  std::shared_ptr<const Node> root_;
  std::string expression_;
  bool reads_bodies_;
};

}  // namespace flowscope::filter
