// Recursive descent over the grammar, loosest binding first:
//   or   := and ('|' and)*
//   and  := not ('&'? not)*        two terms side by side mean '&', as in mitmproxy
//   not  := '!' not | atom
//   atom := '(' or ')' | ~term [argument] | word | "quoted"    a bare word is ~u word
#include "core/filter/filter.hpp"

#include "core/filter/scanner.hpp"
#include "core/filter/terms.hpp"

namespace flowscope::filter {

namespace {

using Parsed = std::expected<NodePtr, ParseError>;

// Every one-letter term is one edit from every other, so "~x" gets them all.
std::string single_letter_terms() {
  std::string names;
  for (const auto& term : all_terms())
    if (term.name.size() == 1) names += " ~" + std::string(term.name);
  return names;
}

class Parser {
 public:
  explicit Parser(std::string_view expression) : scanner_(expression) {}

  Parsed parse() {
    auto first = scanner_.peek();
    if (!first) return std::unexpected(first.error());
    if (first->kind == TokenKind::kEnd) return std::unexpected(ParseError{"the filter is empty", 0});
    auto root = parse_or();
    if (!root) return root;
    auto rest = scanner_.next();
    if (!rest) return std::unexpected(rest.error());
    if (rest->kind == TokenKind::kClose)
      return std::unexpected(ParseError{"unmatched ): remove it or add a ( before it", rest->column});
    if (rest->kind != TokenKind::kEnd)  // cannot happen: every other token starts or joins a term
      return std::unexpected(ParseError{"unexpected " + rest->text, rest->column});
    return root;
  }

  bool reads_bodies() const { return reads_bodies_; }

 private:
  Parsed parse_or() {
    auto left = parse_and();
    if (!left) return left;
    for (;;) {
      auto token = scanner_.peek();
      if (!token) return std::unexpected(token.error());
      if (token->kind != TokenKind::kOr) return left;
      scanner_.next();
      auto right = parse_not("|");
      if (!right) return right;
      // `a | b & c`: the right side of '|' is a whole '&' chain.
      right = continue_and(std::move(*right));
      if (!right) return right;
      left = make_or(std::move(*left), std::move(*right));
    }
  }

  Parsed parse_and() {
    auto left = parse_not(nullptr);
    if (!left) return left;
    return continue_and(std::move(*left));
  }

  Parsed continue_and(NodePtr left) {
    for (;;) {
      auto token = scanner_.peek();
      if (!token) return std::unexpected(token.error());
      const char* after = nullptr;
      if (token->kind == TokenKind::kAnd) {
        scanner_.next();
        after = "&";
      } else if (!starts_term(token->kind)) {
        return left;
      }
      auto right = parse_not(after);
      if (!right) return right;
      left = make_and(std::move(left), std::move(*right));
    }
  }

  static bool starts_term(TokenKind kind) {
    return kind == TokenKind::kTerm || kind == TokenKind::kWord || kind == TokenKind::kQuoted ||
           kind == TokenKind::kNot || kind == TokenKind::kOpen;
  }

  // `after` names the operator just read, for "expected a filter term after &".
  Parsed parse_not(const char* after) {
    auto token = scanner_.peek();
    if (!token) return std::unexpected(token.error());
    if (token->kind != TokenKind::kNot) return parse_atom(after);
    scanner_.next();
    auto operand = parse_not("!");
    if (!operand) return operand;
    return make_not(std::move(*operand));
  }

  Parsed parse_atom(const char* after) {
    auto token = scanner_.next();
    if (!token) return std::unexpected(token.error());
    switch (token->kind) {
      case TokenKind::kOpen: {
        auto inner = parse_or();
        if (!inner) return inner;
        auto close = scanner_.next();
        if (!close) return std::unexpected(close.error());
        if (close->kind != TokenKind::kClose)
          return std::unexpected(ParseError{"unclosed (: add a ) to close it", token->column});
        return inner;
      }
      case TokenKind::kTerm:
        return parse_term(*token);
      case TokenKind::kWord:
      case TokenKind::kQuoted:
        return build(*find_term("u"), *token, token->text);
      default: {
        std::string message = "expected a filter term";
        if (after) message += std::string(" after ") + after;
        else if (token->kind == TokenKind::kAnd || token->kind == TokenKind::kOr)
          message += " before " + token->text;
        else if (token->kind == TokenKind::kClose)
          message += " inside ( )";
        message += ", such as ~u api or ~c 404";
        return std::unexpected(ParseError{message, token->column});
      }
    }
  }

  Parsed parse_term(const Token& term) {
    const TermSpec* spec = find_term(term.text);
    if (!spec) {
      std::string message = "unknown filter term ~" + term.text;
      auto hint = closest_term(term.text);
      if (term.text.size() == 1 && hint.empty()) message += ": did you mean one of" + single_letter_terms() + "?";
      else if (!hint.empty()) message += ": did you mean ~" + std::string(hint) + "?";
      else message += " (docs/filters.md lists the terms)";
      return std::unexpected(ParseError{message, term.column});
    }
    if (!spec->takes_argument) return build(*spec, term, "");
    std::size_t column = scanner_.next_column();
    auto argument = scanner_.argument();
    if (!argument) return std::unexpected(argument.error());
    if (!*argument) return std::unexpected(ParseError{"expected an argument after ~" + term.text, column});
    return build(*spec, **argument, (*argument)->text);
  }

  // Errors in an argument point at the argument.
  Parsed build(const TermSpec& spec, const Token& at, std::string_view argument) {
    reads_bodies_ = reads_bodies_ || spec.reads_bodies;
    auto node = spec.build(argument);
    if (!node) return std::unexpected(ParseError{"~" + std::string(spec.name) + ": " + node.error(), at.column});
    return std::move(*node);
  }

  Scanner scanner_;
  bool reads_bodies_ = false;
};

}  // namespace

std::expected<Filter, ParseError> Filter::compile_with_position(std::string_view expression) {
  Parser parser(expression);
  auto root = parser.parse();
  if (!root) return std::unexpected(std::move(root.error()));
  return Filter(std::shared_ptr<const Node>(std::move(*root)), std::string(expression), parser.reads_bodies());
}

Result<Filter> Filter::compile(std::string_view expression) {
  auto compiled = compile_with_position(expression);
  if (!compiled) return fail(format_parse_error(expression, compiled.error()));
  return std::move(*compiled);
}

}  // namespace flowscope::filter
