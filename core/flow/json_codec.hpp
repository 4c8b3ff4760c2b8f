#pragma once
// Flow <-> JSON, the record format of the JSON Lines store (docs/flow-format.md).
// Every record carries "format": kFlowFormat. Bytes that are not valid UTF-8 (bodies,
// and any string field, headers included) are stored as base64 so that the output is
// always valid JSON and every field round-trips exactly.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/flow/flow.hpp"
#include "core/result.hpp"

namespace flowscope::flow {

inline constexpr int kFlowFormat = 1;

nlohmann::json to_json(const Flow& flow);
Result<Flow> flow_from_json(const nlohmann::json& record);

// One compact record terminated by '\n', keys in a stable reading order ("format"
// first). Never throws on any byte content.
std::string to_json_line(const Flow& flow);
// The same line appended to `out`, for writers that batch lines in one buffer.
void append_json_line(const Flow& flow, std::string& out);
// Accepts a line with or without its trailing '\n' (and a '\r' before it).
Result<Flow> parse_json_line(std::string_view line);
// Like parse_json_line, but leaves every body's `data` empty (size and truncated are
// kept): for listing flows without holding their bodies.
Result<Flow> parse_json_line_head(std::string_view line);

// Strict UTF-8 (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF), the
// same rule nlohmann::json applies when it dumps a string.
bool is_valid_utf8(std::string_view bytes);

// RFC 3339 UTC with microseconds, "2026-11-24T23:38:01.123456Z".
std::string format_timestamp_us(std::int64_t unix_us);
// Parses RFC 3339 with any number of fraction digits (beyond µs truncated) and a
// "Z" or "±hh:mm" offset; nullopt otherwise.
std::optional<std::int64_t> parse_timestamp_us(std::string_view text);

}  // namespace flowscope::flow
