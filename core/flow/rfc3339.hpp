#pragma once
// Timestamps of the flow record (the "started" field).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flowscope::flow {

// RFC 3339 UTC with microseconds, "2026-11-24T23:38:01.123456Z".
std::string format_timestamp_us(std::int64_t unix_us);
// Parses RFC 3339 with any number of fraction digits (beyond µs truncated) and a
// "Z" or "±hh:mm" offset; nullopt otherwise.
std::optional<std::int64_t> parse_timestamp_us(std::string_view text);

}  // namespace flowscope::flow
