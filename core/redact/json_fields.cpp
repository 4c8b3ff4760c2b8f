#include "core/redact/json_fields.hpp"

#include <cstdint>

namespace flowscope::redact {

namespace {

constexpr std::size_t kMaxDepth = 512;
constexpr std::string_view kReplacement = "\"REDACTED\"";

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, std::uint32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xc0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3f));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xe0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (code & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (code & 0x3f));
  }
}

// A secret value's place in the text, and its member's path.
struct Span {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::uint64_t length = 0;
  std::string path;
};

// Recursive descent over the grammar of RFC 8259, which it validates as it goes. Every
// parse function returns false when it stops early: either the text is not JSON, or it
// ran out and `ran_out_` is set (only when the text may be cut), which ends the scan as
// a success with the spans noted so far.
class Scanner {
 public:
  Scanner(std::string_view text, bool cut, const NameMatcher& secret) : text_(text), cut_(cut), secret_(secret) {}

  bool scan() {
    skip_space();
    if (!value(0, false)) return ran_out_;
    skip_space();
    return at_end();
  }

  std::vector<Span>& spans() { return spans_; }

 private:
  bool at_end() const { return i_ >= text_.size(); }
  char peek() const { return text_[i_]; }

  void skip_space() {
    while (!at_end() && is_json_space(peek())) ++i_;
  }

  bool ran_out() {
    ran_out_ = cut_;
    return false;
  }

  bool value(std::size_t depth, bool in_secret) {
    if (at_end()) return ran_out();
    switch (peek()) {
      case '{': return object(depth + 1, in_secret);
      case '[': return array(depth + 1, in_secret);
      case '"': return string(nullptr);
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default: return number();
    }
  }

  bool object(std::size_t depth, bool in_secret) {
    if (depth > kMaxDepth) return false;
    ++i_;  // '{'
    skip_space();
    if (at_end()) return ran_out();
    if (peek() == '}') {
      ++i_;
      return true;
    }
    std::string name;
    for (;;) {
      if (at_end()) return ran_out();
      if (peek() != '"') return false;
      name.clear();
      if (!string(&name)) return false;
      skip_space();
      if (at_end()) return ran_out();
      if (peek() != ':') return false;
      ++i_;
      skip_space();
      const std::size_t path_length = path_.size();
      if (!path_.empty()) path_ += '.';
      path_ += name;
      const bool secret = !in_secret && secret_.matches(name);
      const std::size_t begin = i_;
      const bool whole = value(depth, in_secret || secret);
      if (secret && (whole || ran_out_)) note(begin, whole ? i_ : text_.size(), whole);
      path_.resize(path_length);
      if (!whole) return false;
      skip_space();
      if (at_end()) return ran_out();
      if (peek() == '}') {
        ++i_;
        return true;
      }
      if (peek() != ',') return false;
      ++i_;
      skip_space();
    }
  }

  bool array(std::size_t depth, bool in_secret) {
    if (depth > kMaxDepth) return false;
    ++i_;  // '['
    skip_space();
    if (at_end()) return ran_out();
    if (peek() == ']') {
      ++i_;
      return true;
    }
    for (std::size_t index = 0;; ++index) {
      const std::size_t path_length = path_.size();
      if (!in_secret) {  // paths are only read for notes, which a secret's inside never gets
        path_ += '[';
        path_ += std::to_string(index);
        path_ += ']';
      }
      const bool whole = value(depth, in_secret);
      path_.resize(path_length);
      if (!whole) return false;
      skip_space();
      if (at_end()) return ran_out();
      if (peek() == ']') {
        ++i_;
        return true;
      }
      if (peek() != ',') return false;
      ++i_;
      skip_space();
    }
  }

  // A string from its opening quote; its decoded text goes to `decoded` when given (a
  // member name, to be matched as the application meant it: "p\u0061ss" is "pass").
  bool string(std::string* decoded) {
    ++i_;  // '"'
    for (;;) {
      if (at_end()) return ran_out();
      const auto c = static_cast<unsigned char>(text_[i_]);
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c < 0x20) return false;
      ++i_;
      if (c != '\\') {
        if (decoded) decoded->push_back(static_cast<char>(c));
        continue;
      }
      if (at_end()) return ran_out();
      const char escape = text_[i_++];
      char plain = 0;
      switch (escape) {
        case '"': case '\\': case '/': plain = escape; break;
        case 'b': plain = '\b'; break;
        case 'f': plain = '\f'; break;
        case 'n': plain = '\n'; break;
        case 'r': plain = '\r'; break;
        case 't': plain = '\t'; break;
        case 'u': {
          std::uint32_t code = 0;
          if (!hex4(code)) return false;
          // A surrogate pair is one code point; a lone surrogate is legal JSON text that
          // names nothing printable.
          if (code >= 0xd800 && code < 0xdc00 && i_ + 1 < text_.size() && text_[i_] == '\\' &&
              text_[i_ + 1] == 'u') {
            i_ += 2;
            std::uint32_t low = 0;
            if (!hex4(low)) return false;
            if (low >= 0xdc00 && low < 0xe000) {
              code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
            } else if (decoded) {
              decoded->push_back('?');
              code = low;
            }
          }
          if (decoded) {
            if (code >= 0xd800 && code < 0xe000) decoded->push_back('?');
            else append_utf8(*decoded, code);
          }
          continue;
        }
        default:
          return false;
      }
      if (decoded) decoded->push_back(plain);
    }
  }

  bool hex4(std::uint32_t& code) {
    for (int k = 0; k < 4; ++k) {
      if (at_end()) return ran_out();
      const int digit = hex_value(text_[i_]);
      if (digit < 0) return false;
      code = code * 16 + static_cast<std::uint32_t>(digit);
      ++i_;
    }
    return true;
  }

  bool literal(std::string_view word) {
    const std::string_view rest = text_.substr(i_);
    if (rest.size() < word.size()) {
      if (!word.starts_with(rest)) return false;
      i_ = text_.size();
      return ran_out();
    }
    if (rest.substr(0, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  // One or more digits.
  bool digits() {
    if (at_end()) return ran_out();
    if (!is_digit(peek())) return false;
    while (!at_end() && is_digit(peek())) ++i_;
    return true;
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? — what follows is the container's
  // to check, so "1x" fails there.
  bool number() {
    if (peek() == '-') {
      ++i_;
      if (at_end()) return ran_out();
    }
    if (peek() == '0') {
      ++i_;
    } else if (!digits()) {
      return false;
    }
    if (!at_end() && peek() == '.') {
      ++i_;
      if (!digits()) return false;
    }
    if (!at_end() && (peek() == 'e' || peek() == 'E')) {
      ++i_;
      if (!at_end() && (peek() == '+' || peek() == '-')) ++i_;
      if (!digits()) return false;
    }
    return true;
  }

  // A secret member's value, unless it holds nothing: null, a boolean, "" (or what a cut
  // left of one of those).
  void note(std::size_t begin, std::size_t end, bool whole) {
    const std::string_view value = text_.substr(begin, end - begin);
    if (value.empty() || value[0] == 'n' || value[0] == 't' || value[0] == 'f') return;
    std::uint64_t length = value.size();
    if (value[0] == '"') length -= whole ? 2 : 1;  // the quotes are no part of the secret
    if (length == 0) return;
    spans_.push_back(Span{begin, end, length, path_});
  }

  std::string_view text_;
  bool cut_;
  const NameMatcher& secret_;
  std::size_t i_ = 0;
  bool ran_out_ = false;
  std::string path_;
  std::vector<Span> spans_;
};

}  // namespace

bool looks_like_json_document(std::string_view text) {
  for (char c : text) {
    if (is_json_space(c)) continue;
    return c == '{' || c == '[';
  }
  return false;
}

std::optional<std::string> redact_json_fields(std::string_view text, bool cut, const NameMatcher& secret,
                                              flow::RedactionPlace where, std::vector<flow::Redaction>& notes) {
  if (secret.empty() || !looks_like_json_document(text)) return std::nullopt;
  Scanner scanner(text, cut, secret);
  if (!scanner.scan() || scanner.spans().empty()) return std::nullopt;
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  for (Span& span : scanner.spans()) {
    out.append(text.substr(at, span.begin - at));
    out += kReplacement;
    at = span.end;
    notes.push_back(flow::Redaction{where, std::move(span.path), span.length, {}});
  }
  out.append(text.substr(at));
  return out;
}

}  // namespace flowscope::redact
