#include "core/filter/text_pattern.hpp"

#include <optional>

namespace flowscope::filter {

namespace {

char fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }

bool is_metacharacter(char c) {
  switch (c) {
    case '.': case '^': case '$': case '|': case '?': case '*': case '+':
    case '(': case ')': case '[': case ']': case '{': case '}':
      return true;
    default:
      return false;
  }
}

bool is_alnum(char c) { return (c >= '0' && c <= '9') || (fold(c) >= 'a' && fold(c) <= 'z'); }

struct Literal {
  std::string text;  // folded
  bool anchored_start = false;
  bool anchored_end = false;
};

// The literal a pattern stands for, when it has no regex meaning beyond `^`, `$` and
// escaped punctuation; nullopt when it needs the regex engine (`\d`, `a.b`, `x|y`).
std::optional<Literal> as_literal(std::string_view pattern) {
  Literal literal;
  std::size_t i = 0;
  if (!pattern.empty() && pattern[0] == '^') {
    literal.anchored_start = true;
    i = 1;
  }
  for (; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\') {
      if (i + 1 == pattern.size() || is_alnum(pattern[i + 1])) return std::nullopt;  // \d, \b, a trailing '\'
      literal.text += fold(pattern[++i]);
    } else if (c == '$' && i + 1 == pattern.size()) {
      literal.anchored_end = true;
    } else if (is_metacharacter(c)) {
      return std::nullopt;
    } else {
      literal.text += fold(c);
    }
  }
  return literal;
}

}  // namespace

bool contains_folded(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  if (haystack.size() < needle.size()) return false;
  const char first = needle[0];
  const std::size_t last_start = haystack.size() - needle.size();
  for (std::size_t i = 0; i <= last_start; ++i) {
    if (fold(haystack[i]) != first) continue;
    std::size_t j = 1;
    while (j < needle.size() && fold(haystack[i + j]) == needle[j]) ++j;
    if (j == needle.size()) return true;
  }
  return false;
}

bool equals_folded(std::string_view text, std::string_view folded) {
  if (text.size() != folded.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i)
    if (fold(text[i]) != folded[i]) return false;
  return true;
}

Result<TextPattern> TextPattern::compile(std::string_view pattern) {
  TextPattern compiled;
  auto literal = as_literal(pattern);
  // An anchored literal is tested line by line, which needs the literal itself to be
  // one line.
  if (literal && (literal->anchored_start || literal->anchored_end) &&
      literal->text.find_first_of("\r\n") != std::string::npos)
    literal.reset();
  if (literal) {
    compiled.folded_ = std::move(literal->text);
    if (literal->anchored_start && literal->anchored_end) compiled.mode_ = Mode::kEqual;
    else if (literal->anchored_start) compiled.mode_ = Mode::kPrefix;
    else if (literal->anchored_end) compiled.mode_ = Mode::kSuffix;
    else compiled.mode_ = Mode::kContains;
    return compiled;
  }
  try {
    // multiline: `^` and `$` also match at line breaks, as people expect in a body.
    compiled.regex_ = std::make_shared<const std::regex>(
        pattern.begin(), pattern.end(),
        std::regex::ECMAScript | std::regex::icase | std::regex::optimize | std::regex::multiline);
  } catch (const std::regex_error& e) {
    return fail("invalid regex: " + std::string(e.what()));
  }
  compiled.mode_ = Mode::kRegex;
  return compiled;
}

bool TextPattern::search(std::string_view text) const {
  if (mode_ == Mode::kContains) return contains_folded(text, folded_);
  if (mode_ == Mode::kRegex) {
    try {
      return std::regex_search(text.begin(), text.end(), *regex_);
    } catch (const std::regex_error&) {
      return false;  // error_complexity / error_stack: treated as no match
    }
  }
  // Anchored literals, with the regex's multiline meaning: `^` after any line break and
  // `$` before one (ECMAScript's line terminators include a lone \r).
  for (;;) {
    std::size_t end = text.find_first_of("\r\n");
    std::string_view line = text.substr(0, end);
    if (line_matches(line)) return true;
    if (end == std::string_view::npos) return false;
    text.remove_prefix(end + 1);
  }
}

bool TextPattern::line_matches(std::string_view line) const {
  if (line.size() < folded_.size()) return false;
  switch (mode_) {
    case Mode::kPrefix: return equals_folded(line.substr(0, folded_.size()), folded_);
    case Mode::kSuffix: return equals_folded(line.substr(line.size() - folded_.size()), folded_);
    case Mode::kEqual: return equals_folded(line, folded_);
    default: return false;
  }
}

}  // namespace flowscope::filter
