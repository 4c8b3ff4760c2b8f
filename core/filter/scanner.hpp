#pragma once
// Splits a filter expression into tokens. The parser asks for an argument explicitly
// after a term that takes one, because an argument is read differently: it may start
// with `!` (`~b !important`), while in operator position `!` is negation.
#include <cstddef>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "core/filter/parse_error.hpp"

namespace flowscope::filter {

enum class TokenKind {
  kTerm,    // ~name; text is the name
  kWord,    // an unquoted word; text as written
  kQuoted,  // '…' or "…"; text with escapes undone
  kNot,
  kAnd,
  kOr,
  kOpen,
  kClose,
  kEnd,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;
  std::size_t column = 0;
};

class Scanner {
 public:
  explicit Scanner(std::string_view expression) : expression_(expression) {}

  std::expected<Token, ParseError> peek();
  std::expected<Token, ParseError> next();
  // The argument of a term: a word or a quoted string, or nullopt when the next thing
  // is an operator, a parenthesis, another term or the end. Call only with nothing peeked.
  std::expected<std::optional<Token>, ParseError> argument();
  // Where the next token starts (the end when there is none), for errors.
  std::size_t next_column();

 private:
  std::expected<Token, ParseError> scan();
  std::expected<Token, ParseError> scan_quoted();
  Token scan_word();
  void skip_space();

  std::string_view expression_;
  std::size_t position_ = 0;
  std::optional<Token> peeked_;
};

}  // namespace flowscope::filter
