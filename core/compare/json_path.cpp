#include "core/compare/json_path.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

namespace flowscope::compare {

namespace {

bool is_plain_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

bool is_plain_key(std::string_view key) {
  if (key.empty() || key == "*") return false;
  for (char c : key)
    if (!is_plain_key_char(c)) return false;
  return true;
}

// Reads a pattern left to right; `pos_` is where the next step starts.
class PatternParser {
 public:
  explicit PatternParser(std::string_view text) : text_(text) {}

  Result<JsonPath> parse() {
    if (text_.empty()) return fail("--ignore-field needs a path, such as $.user.id or items[*].id");
    JsonPath steps;
    const bool rooted =
        text_[0] == '$' && (text_.size() == 1 || text_[1] == '.' || text_[1] == '[');
    if (rooted) {
      pos_ = 1;
    } else if (text_[0] != '[') {
      // A first key needs no dot: `user.id` is `$.user.id`.
      auto step = key_after(0);
      if (!step) return std::unexpected(step.error());
      steps.push_back(std::move(*step));
    }
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      Result<PathStep> step = c == '.'   ? key_after(pos_ + 1)
                              : c == '[' ? bracket()
                                         : error_at(pos_, "unexpected '" + std::string(1, c) + "'",
                                                    "each step starts with . or [");
      if (!step) return std::unexpected(step.error());
      steps.push_back(std::move(*step));
    }
    return steps;
  }

 private:
  std::unexpected<Error> error_at(std::size_t column, const std::string& what,
                                  const std::string& hint = {}) const {
    return fail("--ignore-field " + std::string(text_) + ": " + what + " at column " +
                std::to_string(column + 1) + (hint.empty() ? std::string() : " (" + hint + ")"));
  }

  // An unquoted key from `start` up to the next . or [ (`*` is any key or index).
  Result<PathStep> key_after(std::size_t start) {
    std::size_t end = start;
    while (end < text_.size() && text_[end] != '.' && text_[end] != '[') {
      if (text_[end] == ']') return error_at(end, "']' without '['");
      ++end;
    }
    if (end == start) {
      return error_at(start, "empty key",
                      "write a.b, or $[\"\"] for a key that is the empty string");
    }
    std::string key(text_.substr(start, end - start));
    pos_ = end;
    if (key == "*") return PathStep{PathStep::Kind::kAny, {}, 0};
    return PathStep::of_key(std::move(key));
  }

  // [3], [*] or ["any key"] at pos_.
  Result<PathStep> bracket() {
    const std::size_t open = pos_;
    const std::size_t close_bracket = text_.find(']', open);
    if (open + 1 < text_.size() && text_[open + 1] == '"') return quoted_key(open);
    if (close_bracket == std::string_view::npos) return error_at(open, "'[' without ']'");
    const std::string_view inside = text_.substr(open + 1, close_bracket - open - 1);
    pos_ = close_bracket + 1;
    if (inside == "*") return PathStep{PathStep::Kind::kAny, {}, 0};
    std::size_t index = 0;
    auto [end, ec] = std::from_chars(inside.data(), inside.data() + inside.size(), index);
    if (inside.empty() || ec != std::errc() || end != inside.data() + inside.size()) {
      return error_at(
          open, "[" + std::string(inside) + "] is not an index",
          "expected an array index such as [0], [*], or a quoted key such as [\"a.b\"]");
    }
    return PathStep::of_index(index);
  }

  // ["..."]: a JSON string, escapes and all, then ']'.
  Result<PathStep> quoted_key(std::size_t open) {
    std::size_t i = open + 2;
    while (i < text_.size() && text_[i] != '"') i += text_[i] == '\\' ? 2 : 1;
    if (i >= text_.size() || i + 1 >= text_.size() || text_[i + 1] != ']') {
      return error_at(open, "unterminated quoted key", "expected [\"key\"]");
    }
    const auto literal = nlohmann::json::parse(text_.substr(open + 1, i - open), nullptr, false);
    if (!literal.is_string()) return error_at(open, "quoted key that is not a valid JSON string");
    pos_ = i + 2;
    return PathStep::of_key(literal.get<std::string>());
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

bool step_matches(const PathStep& pattern, const PathStep& step) {
  switch (pattern.kind) {
    case PathStep::Kind::kAny:
      return true;
    case PathStep::Kind::kKey:
      return step.kind == PathStep::Kind::kKey && step.key == pattern.key;
    case PathStep::Kind::kIndex:
      return step.kind == PathStep::Kind::kIndex && step.index == pattern.index;
  }
  return false;
}

}  // namespace

std::string format_path(const JsonPath& path) {
  std::string out = "$";
  for (const PathStep& step : path) {
    switch (step.kind) {
      case PathStep::Kind::kIndex:
        out += "[" + std::to_string(step.index) + "]";
        break;
      case PathStep::Kind::kAny:
        out += "[*]";
        break;
      case PathStep::Kind::kKey:
        if (is_plain_key(step.key)) {
          out += "." + step.key;
        } else {
          out += "[" +
                 nlohmann::json(step.key).dump(-1, ' ', false,
                                               nlohmann::json::error_handler_t::replace) +
                 "]";
        }
        break;
    }
  }
  return out;
}

Result<FieldPattern> FieldPattern::parse(std::string_view text) {
  auto steps = PatternParser(text).parse();
  if (!steps) return std::unexpected(steps.error());
  return FieldPattern(std::move(*steps), std::string(text));
}

bool FieldPattern::covers(const JsonPath& path) const {
  if (path.size() < steps_.size()) return false;
  for (std::size_t i = 0; i < steps_.size(); ++i)
    if (!step_matches(steps_[i], path[i])) return false;
  return true;
}

}  // namespace flowscope::compare
