#pragma once
// Paths into a JSON body, as `flowscope diff` prints them and `--ignore-field` takes
// them: `$.user.id`, `$.items[2].name`, `$["key with spaces"]`. The leading `$` may be
// left out (`user.id`), and `*` (or `[*]`) stands for any one key or index, so
// `items[*].updated_at` ignores that field in every element. A pattern also covers
// everything below what it names: `$.meta` ignores the whole `meta` object.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace flowscope::compare {

// One step down a JSON document: an object key or an array index.
struct PathStep {
  enum class Kind { kKey, kIndex, kAny };  // kAny only in patterns
  Kind kind = Kind::kKey;
  std::string key;
  std::size_t index = 0;

  static PathStep of_key(std::string key) { return {Kind::kKey, std::move(key), 0}; }
  static PathStep of_index(std::size_t index) { return {Kind::kIndex, {}, index}; }
};

using JsonPath = std::vector<PathStep>;

// "$", "$.user.id", "$.items[0]", "$[\"a.b\"]": keys made of letters, digits, `_` and
// `-` are written after a dot, any other key in brackets as a JSON string.
std::string format_path(const JsonPath& path);

// A parsed --ignore-field pattern.
class FieldPattern {
 public:
  // Errors name the column and say what was expected, e.g. "--ignore-field user..id:
  // empty key at column 6 (write a.b, or $[\"\"] for a key that is the empty string)".
  static Result<FieldPattern> parse(std::string_view text);

  // True when `path` is what the pattern names or lies below it.
  bool covers(const JsonPath& path) const;
  const std::string& text() const { return text_; }

 private:
  FieldPattern(JsonPath steps, std::string text)
      : steps_(std::move(steps)), text_(std::move(text)) {}

  JsonPath steps_;
  std::string text_;
};

}  // namespace flowscope::compare
