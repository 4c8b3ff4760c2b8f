#include "core/filter/text_pattern.hpp"

#include <algorithm>
#include <cstring>
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

// The longest run of characters every match must contain, folded, or "" when the
// pattern has none worth testing. Deliberately conservative: any `|` gives up (an
// alternative may avoid the run), and groups, classes and quantified characters end a run.
std::string required_literal(std::string_view pattern) {
  std::string best, run;
  auto end_run = [&] {
    if (run.size() > best.size()) best = run;
    run.clear();
  };
  int depth = 0;
  bool in_class = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    bool escaped_literal = false;
    if (c == '\\') {
      if (i + 1 == pattern.size()) return "";
      char next = pattern[++i];
      if (in_class || depth > 0 || is_alnum(next) || static_cast<unsigned char>(next) >= 0x80) {
        end_run();
        continue;
      }
      c = next;
      escaped_literal = true;
    } else if (in_class) {
      if (c == ']') in_class = false;
      continue;
    } else if (c == '|') {
      return "";
    } else if (c == '[') {
      in_class = true;
      end_run();
      continue;
    } else if (c == '{') {  // a quantifier's counts are not text: "x{10}" has no "10"
      end_run();
      while (i + 1 < pattern.size() && pattern[i] != '}') ++i;
      continue;
    } else if (c == '(') {
      ++depth;
      end_run();
      continue;
    } else if (c == ')') {
      --depth;
      continue;
    }
    if (depth > 0) continue;
    if (!escaped_literal && (is_metacharacter(c) || static_cast<unsigned char>(c) >= 0x80)) {
      end_run();
      continue;
    }
    // A quantifier after this character makes it optional or repeated: it ends the run.
    char after = i + 1 < pattern.size() ? pattern[i + 1] : '\0';
    if (after == '?' || after == '*' || after == '{' || after == '+') {
      if (after == '+') run += fold(c);  // at least once: still required
      end_run();
      continue;
    }
    run += fold(c);
  }
  end_run();
  return best.size() >= 2 ? best : "";
}

}  // namespace

bool contains_folded(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  if (haystack.size() < needle.size()) return false;
  // Candidates for the first character come from memchr (vectorised in glibc), for
  // both cases of a letter; only those are compared in full.
  const char lower = needle[0];
  const char upper = (lower >= 'a' && lower <= 'z') ? static_cast<char>(lower - ('a' - 'A')) : lower;
  const char* begin = haystack.data();
  const char* last = begin + (haystack.size() - needle.size());  // the last possible start
  auto find = [&](const char* from, char c) {
    auto* hit = static_cast<const char*>(std::memchr(from, c, static_cast<std::size_t>(last - from) + 1));
    return hit ? hit : last + 1;
  };
  const char* next_lower = find(begin, lower);
  const char* next_upper = lower == upper ? last + 1 : find(begin, upper);
  while (next_lower <= last || next_upper <= last) {
    const char* at = std::min(next_lower, next_upper);
    std::size_t j = 1;
    while (j < needle.size() && fold(at[j]) == needle[j]) ++j;
    if (j == needle.size()) return true;
    if (at == next_lower) next_lower = at == last ? last + 1 : find(at + 1, lower);
    else next_upper = at == last ? last + 1 : find(at + 1, upper);
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
  compiled.folded_ = required_literal(pattern);  // a cheap "cannot match" before the regex
  return compiled;
}

bool TextPattern::search(std::string_view text) const {
  if (mode_ == Mode::kContains) return contains_folded(text, folded_);
  if (mode_ == Mode::kRegex) {
    if (!folded_.empty() && !contains_folded(text, folded_)) return false;
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
