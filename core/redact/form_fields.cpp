#include "core/redact/form_fields.hpp"

namespace flowscope::redact {

namespace {

constexpr std::string_view kReplacement = "REDACTED";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "api%5Fkey" -> "api_key", "a+b" -> "a b"; a '%' not followed by two hex digits stays.
std::string form_decoded(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> redact_form_pairs(std::string_view pairs, const NameMatcher& secret,
                                             flow::RedactionPlace where, std::string_view prefix,
                                             std::vector<flow::Redaction>& notes) {
  if (secret.empty()) return std::nullopt;
  std::optional<std::string> out;
  std::size_t copied = 0;  // bytes of `pairs` already in `out`
  std::size_t start = 0;
  while (start <= pairs.size()) {
    std::size_t end = pairs.find('&', start);
    if (end == std::string_view::npos) end = pairs.size();
    const std::string_view pair = pairs.substr(start, end - start);
    const std::size_t equals = pair.find('=');
    if (equals != std::string_view::npos && equals + 1 < pair.size()) {
      std::string name = form_decoded(pair.substr(0, equals));
      if (secret.matches(name)) {
        const std::size_t value_begin = start + equals + 1;
        if (!out) out.emplace().reserve(pairs.size());
        out->append(pairs.substr(copied, value_begin - copied));
        *out += kReplacement;
        copied = end;
        notes.push_back(flow::Redaction{where, std::string(prefix) + name, end - value_begin, {}});
      }
    }
    start = end + 1;
  }
  if (out) out->append(pairs.substr(copied));
  return out;
}

std::optional<std::string> redact_url_query(std::string_view url, const NameMatcher& secret,
                                            flow::RedactionPlace where, std::string_view prefix,
                                            std::vector<flow::Redaction>& notes) {
  const std::size_t fragment = url.find('#');
  const std::size_t question = url.substr(0, fragment).find('?');
  if (question == std::string_view::npos) return std::nullopt;
  const std::size_t query_end = fragment == std::string_view::npos ? url.size() : fragment;
  auto query = redact_form_pairs(url.substr(question + 1, query_end - question - 1), secret, where, prefix, notes);
  if (!query) return std::nullopt;
  std::string out(url.substr(0, question + 1));
  out += *query;
  out += url.substr(query_end);
  return out;
}

}  // namespace flowscope::redact
