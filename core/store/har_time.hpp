#pragma once
// Dates as HAR writes them (startedDateTime, cookie expiry) and as cookies carry them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flowscope::store::har {

// ISO 8601 UTC with milliseconds, "2026-11-24T23:38:01.123Z": HAR's startedDateTime.
// Sub-millisecond digits are dropped (rounded toward the past, also before 1970).
std::string format_iso_ms(std::int64_t unix_us);

// startedDateTime as other tools write it: RFC 3339 with "Z" or "±hh:mm", and also
// "±hhmm" (seen in hand-edited files). nullopt when it is not a date.
std::optional<std::int64_t> parse_iso_us(std::string_view text);

// The cookie-date algorithm of RFC 6265 §5.1.1, which accepts every date format
// servers put in Expires ("Wed, 21 Oct 2015 07:28:00 GMT", "Wednesday, 21-Oct-15
// 07:28:00 GMT", asctime). Unix seconds; nullopt when the algorithm fails.
std::optional<std::int64_t> parse_cookie_date(std::string_view text);

}  // namespace flowscope::store::har
