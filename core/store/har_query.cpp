#include "core/store/har_query.hpp"

namespace flowscope::store::har {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The bytes the urlencoded serializer leaves alone: ALPHA DIGIT * - . _
bool is_form_safe(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '*' ||
         c == '-' || c == '.' || c == '_';
}

void append_encoded(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : text) {
    if (is_form_safe(c)) {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
}

}  // namespace

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

std::vector<NameValue> parse_form_urlencoded(std::string_view text) {
  std::vector<NameValue> pairs;
  std::size_t at = 0;
  while (at <= text.size()) {
    std::size_t end = text.find('&', at);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view piece = text.substr(at, end - at);
    at = end + 1;
    if (piece.empty()) continue;
    const std::size_t eq = piece.find('=');
    if (eq == std::string_view::npos) {
      pairs.push_back({percent_decode(piece, true), {}});
    } else {
      pairs.push_back(
          {percent_decode(piece.substr(0, eq), true), percent_decode(piece.substr(eq + 1), true)});
    }
  }
  return pairs;
}

std::vector<NameValue> parse_url_query(std::string_view url) {
  url = url.substr(0, url.find('#'));
  const std::size_t question = url.find('?');
  if (question == std::string_view::npos) return {};
  return parse_form_urlencoded(url.substr(question + 1));
}

std::string encode_form_urlencoded(const std::vector<NameValue>& pairs) {
  std::string out;
  for (const auto& pair : pairs) {
    if (!out.empty()) out.push_back('&');
    append_encoded(out, pair.name);
    out.push_back('=');
    append_encoded(out, pair.value);
  }
  return out;
}

}  // namespace flowscope::store::har
