#pragma once
// What the body viewer needs besides drawing: the body with Content-Encoding undone,
// which view suits it, the pages of a large body, and search within it.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/flow/flow.hpp"

namespace flowscope::gui {

enum class BodyMode { kAuto, kText, kJson, kHex, kImage };

struct DecodedBody {
  std::string bytes;   // decoded; the recorded bytes when there was nothing to undo or it failed
  std::string coding;  // the Content-Encoding undone ("gzip", "br, gzip"); empty when none
  std::string error;   // why decoding failed (then `bytes` are the recorded ones)
  bool truncated = false;  // the recording kept only part of the body
};

// A truncated body is not decoded (a cut compressed stream cannot be), only reported.
DecodedBody decode_body(const flow::Body& body, const http::Headers& headers);

// JSON by Content-Type (application/json, +json) or by a parseable-looking start;
// images by magic bytes (PNG, JPEG, GIF, BMP, WebP); text when the bytes read as text;
// hex otherwise. Never returns kAuto.
BodyMode auto_mode(std::string_view content_type, std::string_view bytes);

// Bodies above this are shown a page at a time.
inline constexpr std::size_t kBodyPageBytes = 256 * 1024;

std::size_t page_count(std::size_t size);  // at least 1
// The bytes of page `page` (clamped to the last), cut back to a UTF-8 boundary
// when `text` so a page never starts or ends inside a character.
std::string_view body_page(std::string_view bytes, std::size_t page, bool text);

// Offsets of `needle` in `haystack`, at most `limit`; ASCII-only case folding.
std::vector<std::size_t> find_all(std::string_view haystack, std::string_view needle,
                                  bool ignore_case, std::size_t limit);

}  // namespace flowscope::gui
