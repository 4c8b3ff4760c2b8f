#include "core/filter/scanner.hpp"

namespace flowscope::filter {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Characters that end an unquoted word. `!` and `~` do not: "a!b" is one word.
bool ends_word(char c) { return is_space(c) || c == '(' || c == ')' || c == '&' || c == '|'; }

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

void Scanner::skip_space() {
  while (position_ < expression_.size() && is_space(expression_[position_])) ++position_;
}

std::size_t Scanner::next_column() {
  if (peeked_) return peeked_->column;
  skip_space();
  return position_;
}

std::expected<Token, ParseError> Scanner::peek() {
  if (!peeked_) {
    auto token = scan();
    if (!token) return std::unexpected(token.error());
    peeked_ = std::move(*token);
  }
  return *peeked_;
}

std::expected<Token, ParseError> Scanner::next() {
  auto token = peek();
  peeked_.reset();
  return token;
}

std::expected<std::optional<Token>, ParseError> Scanner::argument() {
  skip_space();
  if (position_ == expression_.size()) return std::nullopt;
  char c = expression_[position_];
  if (c == '"' || c == '\'') {
    auto quoted = scan_quoted();
    if (!quoted) return std::unexpected(quoted.error());
    return std::optional<Token>(std::move(*quoted));
  }
  if (ends_word(c) || c == '~') return std::nullopt;
  return std::optional<Token>(scan_word());
}

std::expected<Token, ParseError> Scanner::scan() {
  skip_space();
  Token token;
  token.column = position_;
  if (position_ == expression_.size()) return token;  // kEnd
  char c = expression_[position_];
  auto single = [&](TokenKind kind) {
    ++position_;
    token.kind = kind;
    token.text = std::string(1, c);
    return token;
  };
  switch (c) {
    case '!': return single(TokenKind::kNot);
    case '&': return single(TokenKind::kAnd);
    case '|': return single(TokenKind::kOr);
    case '(': return single(TokenKind::kOpen);
    case ')': return single(TokenKind::kClose);
    case '"':
    case '\'':
      return scan_quoted();
    case '~': {
      std::size_t start = ++position_;
      while (position_ < expression_.size() && is_name_char(expression_[position_])) ++position_;
      if (position_ == start) return std::unexpected(ParseError{"expected a term name after ~, such as ~u or ~d", token.column});
      token.kind = TokenKind::kTerm;
      token.text = std::string(expression_.substr(start, position_ - start));
      return token;
    }
    default:
      return scan_word();
  }
}

Token Scanner::scan_word() {
  Token token;
  token.kind = TokenKind::kWord;
  token.column = position_;
  while (position_ < expression_.size() && !ends_word(expression_[position_])) ++position_;
  token.text = std::string(expression_.substr(token.column, position_ - token.column));
  return token;
}

// A backslash escapes the quote character and itself; before anything else it is
// kept, so regex escapes such as "\d+ items" need no doubling.
std::expected<Token, ParseError> Scanner::scan_quoted() {
  Token token;
  token.kind = TokenKind::kQuoted;
  token.column = position_;
  const char quote = expression_[position_++];
  while (position_ < expression_.size()) {
    char c = expression_[position_++];
    if (c == quote) return token;
    if (c == '\\' && position_ < expression_.size() &&
        (expression_[position_] == quote || expression_[position_] == '\\')) {
      token.text += expression_[position_++];
    } else {
      token.text += c;
    }
  }
  return std::unexpected(ParseError{std::string("unterminated quote: add a closing ") + quote, token.column});
}

}  // namespace flowscope::filter
