#include "gui/model/body_view.hpp"

#include <algorithm>
#include <cctype>

#include "core/flow/content_decoding.hpp"
#include "core/flow/utf8.hpp"

namespace flowscope::gui {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool is_image_magic(std::string_view b) {
  return starts_with(b, "\x89PNG\r\n\x1a\n") || starts_with(b, "\xff\xd8\xff") ||
         starts_with(b, "GIF87a") || starts_with(b, "GIF89a") || starts_with(b, "BM") ||
         (b.size() >= 12 && starts_with(b, "RIFF") && b.substr(8, 4) == "WEBP");
}

bool looks_like_json(std::string_view b) {
  const auto first = b.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return false;
  const auto last = b.find_last_not_of(" \t\r\n");
  return (b[first] == '{' && b[last] == '}') || (b[first] == '[' && b[last] == ']');
}

// A continuation byte is 10xxxxxx.
bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

DecodedBody decode_body(const flow::Body& body, const http::Headers& headers) {
  DecodedBody out;
  out.truncated = body.truncated;
  std::string coding;
  for (std::string_view value : headers.find_all("Content-Encoding")) {
    if (!coding.empty()) coding += ", ";
    coding += value;
  }
  const std::string folded = lower(coding);
  if (coding.empty() || folded == "identity" || body.data.empty()) {
    out.bytes = body.data;
    return out;
  }
  if (body.truncated) {
    out.bytes = body.data;
    out.error = "the recording kept only part of the " + coding + " body, so it cannot be decoded";
    return out;
  }
  auto decoded = flow::decode_content(body.data, coding);
  if (!decoded) {
    out.bytes = body.data;
    out.error = decoded.error().message;
    return out;
  }
  out.bytes = std::move(*decoded);
  out.coding = coding;
  return out;
}

BodyMode auto_mode(std::string_view content_type, std::string_view bytes) {
  const std::string type = lower(content_type.substr(0, content_type.find(';')));
  if (is_image_magic(bytes)) return BodyMode::kImage;
  const bool json_type = type.find("json") != std::string::npos;
  if ((json_type || looks_like_json(bytes)) && flow::is_valid_utf8(bytes) && looks_like_json(bytes))
    return BodyMode::kJson;
  if (json_type && flow::is_valid_utf8(bytes)) return BodyMode::kText;  // a scalar or broken JSON
  if (bytes.empty() || flow::body_reads_as_text(bytes)) return BodyMode::kText;
  return BodyMode::kHex;
}

std::size_t page_count(std::size_t size) {
  return size == 0 ? 1 : (size + kBodyPageBytes - 1) / kBodyPageBytes;
}

std::string_view body_page(std::string_view bytes, std::size_t page, bool text) {
  page = std::min(page, page_count(bytes.size()) - 1);
  std::size_t begin = page * kBodyPageBytes;
  std::size_t end = std::min(bytes.size(), begin + kBodyPageBytes);
  if (text) {
    // Both ends move back to a character start, so each character lands on one page.
    while (begin > 0 && begin < bytes.size() && is_continuation(bytes[begin])) --begin;
    while (end < bytes.size() && end > begin && is_continuation(bytes[end])) --end;
  }
  return bytes.substr(begin, end - begin);
}

std::vector<std::size_t> find_all(std::string_view haystack, std::string_view needle,
                                  bool ignore_case, std::size_t limit) {
  std::vector<std::size_t> hits;
  if (needle.empty() || limit == 0) return hits;
  const std::string folded_hay = ignore_case ? lower(haystack) : std::string();
  const std::string folded_needle = ignore_case ? lower(needle) : std::string();
  const std::string_view hay = ignore_case ? std::string_view(folded_hay) : haystack;
  const std::string_view pin = ignore_case ? std::string_view(folded_needle) : needle;
  for (std::size_t at = hay.find(pin); at != std::string_view::npos && hits.size() < limit;
       at = hay.find(pin, at + pin.size())) {
    hits.push_back(at);
  }
  return hits;
}

}  // namespace flowscope::gui
