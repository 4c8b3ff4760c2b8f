#include "core/ws/extensions.hpp"

#include <cstring>

namespace flowscope::ws {

namespace {

// tchar (RFC 9110 §5.6.2).
bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_tchar(c)) return false;
  return true;
}

class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool done() const { return pos_ >= text_.size(); }
  char peek() const { return done() ? '\0' : text_[pos_]; }
  void advance() { ++pos_; }
  void skip_ows() {
    while (!done() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  std::string_view token() {
    std::size_t start = pos_;
    while (!done() && is_tchar(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }
  // A quoted-string starting at the opening quote, unescaped; nullopt if unterminated.
  std::optional<std::string> quoted() {
    advance();
    std::string out;
    while (!done()) {
      char c = text_[pos_++];
      if (c == '"') return out;
      if (c == '\\') {
        if (done()) return std::nullopt;
        c = text_[pos_++];
      }
      out.push_back(c);
    }
    return std::nullopt;
  }
  std::size_t pos() const { return pos_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

std::unexpected<Error> syntax_error(const Cursor& cursor, const char* what) {
  return fail(std::string("Sec-WebSocket-Extensions: ") + what + " at offset " +
              std::to_string(cursor.pos()));
}

}  // namespace

Result<std::vector<Extension>> parse_extensions(std::string_view value) {
  std::vector<Extension> out;
  Cursor cursor(value);
  for (;;) {
    cursor.skip_ows();
    if (cursor.done()) return out;
    if (cursor.peek() == ',') {  // an empty list element
      cursor.advance();
      continue;
    }
    Extension extension;
    extension.name = std::string(cursor.token());
    if (extension.name.empty()) return syntax_error(cursor, "expected an extension name");
    cursor.skip_ows();
    while (cursor.peek() == ';') {
      cursor.advance();
      cursor.skip_ows();
      ExtensionParam param;
      param.name = std::string(cursor.token());
      if (param.name.empty()) return syntax_error(cursor, "expected a parameter name");
      cursor.skip_ows();
      if (cursor.peek() == '=') {
        cursor.advance();
        cursor.skip_ows();
        if (cursor.peek() == '"') {
          auto unquoted = cursor.quoted();
          if (!unquoted) return syntax_error(cursor, "unterminated quoted value");
          if (!is_token(*unquoted))
            return syntax_error(cursor, "a quoted value that is not a token");
          param.value = std::move(*unquoted);
        } else {
          param.value = std::string(cursor.token());
          if (param.value->empty()) return syntax_error(cursor, "expected a value");
        }
        cursor.skip_ows();
      }
      extension.params.push_back(std::move(param));
    }
    out.push_back(std::move(extension));
    if (cursor.done()) return out;
    if (cursor.peek() != ',') return syntax_error(cursor, "expected ',' or ';'");
    cursor.advance();
  }
}

}  // namespace flowscope::ws
