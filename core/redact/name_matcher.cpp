#include "core/redact/name_matcher.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace flowscope::redact {

namespace {

char fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }

// Letters, digits, '-' and '_': a word that means itself in a regex.
bool is_plain_word(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

std::string folded(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = fold(c);
  return out;
}

bool contains(std::string_view haystack, std::string_view needle) {
  if (needle.size() > haystack.size()) return false;
  const std::size_t last = haystack.size() - needle.size();
  for (std::size_t i = 0; i <= last; ++i) {
    if (haystack[i] == needle[0] && std::memcmp(haystack.data() + i, needle.data(), needle.size()) == 0) return true;
  }
  return false;
}

}  // namespace

Result<NameMatcher> NameMatcher::compile(const std::vector<std::string>& patterns, std::string_view what) {
  NameMatcher matcher;
  for (const std::string& pattern : patterns) {
    if (pattern.empty()) {
      return fail(std::string(what) + " \"\": an empty pattern would match every name; pass '.' to mean that");
    }
    if (is_plain_word(pattern)) {
      matcher.words_.push_back(folded(pattern));
      continue;
    }
    if (pattern.size() > 2 && pattern.front() == '^' && pattern.back() == '$' &&
        is_plain_word(std::string_view(pattern).substr(1, pattern.size() - 2))) {
      matcher.whole_names_.push_back(folded(std::string_view(pattern).substr(1, pattern.size() - 2)));
      continue;
    }
    auto compiled = filter::TextPattern::compile(pattern);
    if (!compiled) return fail(std::string(what) + " \"" + pattern + "\": " + compiled.error().message);
    matcher.patterns_.push_back(std::move(*compiled));
  }
  return matcher;
}

bool NameMatcher::matches(std::string_view name) const {
  // Names are short: folded once, on the stack.
  std::array<char, 128> buffer;
  std::string long_name;
  std::string_view name_folded;
  if (name.size() <= buffer.size()) {
    std::transform(name.begin(), name.end(), buffer.begin(), fold);
    name_folded = std::string_view(buffer.data(), name.size());
  } else {
    long_name = folded(name);
    name_folded = long_name;
  }
  for (const std::string& whole : whole_names_) {
    if (whole == name_folded) return true;
  }
  for (const std::string& word : words_) {
    if (contains(name_folded, word)) return true;
  }
  for (const auto& pattern : patterns_) {
    if (pattern.search(name)) return true;
  }
  return false;
}

}  // namespace flowscope::redact
