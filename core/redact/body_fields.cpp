#include "core/redact/body_fields.hpp"

#include "core/flow/content_decoding.hpp"
#include "core/redact/form_fields.hpp"
#include "core/redact/json_fields.hpp"

namespace flowscope::redact {

namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// "Application/JSON; charset=utf-8" -> "application/json"
std::string media_type(const http::Headers& headers) {
  const std::string* content_type = headers.find("Content-Type");
  if (!content_type) return {};
  std::string media(trimmed(std::string_view(*content_type).substr(0, content_type->find(';'))));
  for (char& c : media) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  }
  return media;
}

// Every Content-Encoding value as one list (RFC 9110 §8.4: several fields are one list),
// or "" when the body is sent as it is.
std::string content_encoding(const http::Headers& headers) {
  std::string joined;
  bool coded = false;
  for (std::string_view value : headers.find_all("Content-Encoding")) {
    for (std::string_view coding : http::split_list(value)) {
      if (!http::iequals(coding, "identity")) coded = true;
    }
    if (!joined.empty()) joined += ", ";
    joined += trimmed(value);
  }
  return coded ? joined : std::string();
}

// JSON first when the text opens like a document; a form body that is no JSON (or JSON
// without a secret) is then read as the form it was sent as.
std::optional<std::string> redact_text(std::string_view text, bool cut, bool is_form, const NameMatcher& secret,
                                       flow::RedactionPlace where, std::vector<flow::Redaction>& notes) {
  if (auto json = redact_json_fields(text, cut, secret, where, notes)) return json;
  if (is_form) return redact_form_pairs(text, secret, where, "", notes);
  return std::nullopt;
}

}  // namespace

std::optional<RedactedBody> redact_body(const flow::Body& body, const http::Headers& headers,
                                        const NameMatcher& secret_fields, flow::RedactionPlace where,
                                        std::vector<flow::Redaction>& notes) {
  if (body.data.empty() || secret_fields.empty()) return std::nullopt;
  const std::string media = media_type(headers);
  const bool is_form = media == "application/x-www-form-urlencoded";
  const std::string coding = content_encoding(headers);
  if (coding.empty()) {
    auto text = redact_text(body.data, body.truncated, is_form, secret_fields, where, notes);
    if (!text) return std::nullopt;
    return RedactedBody{std::move(*text), {}, false};
  }

  if (!is_form && media.find("json") == std::string::npos) return std::nullopt;
  std::optional<std::string> decoded;
  if (!body.truncated) {  // a cut body does not decode
    if (auto result = flow::decode_content(body.data, coding)) decoded = std::move(*result);
  }
  if (!decoded) {
    notes.push_back(flow::Redaction{where, "", body.data.size(), coding});
    return RedactedBody{{}, coding, true};
  }
  const std::size_t first_note = notes.size();
  auto text = redact_text(*decoded, false, is_form, secret_fields, where, notes);
  if (!text) return std::nullopt;
  for (std::size_t i = first_note; i < notes.size(); ++i) notes[i].content_encoding = coding;
  return RedactedBody{std::move(*text), coding, false};
}

}  // namespace flowscope::redact
