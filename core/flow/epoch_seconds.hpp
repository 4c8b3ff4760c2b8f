#pragma once
// Times as Unix epoch seconds in a JSON number: a WebSocket message's "time" in the
// store, and "time" in HAR's _webSocketMessages (Chrome's unit).
#include <cstdint>
#include <optional>
#include <string>

namespace flowscope::flow {

// "1764000000.123456": whole seconds, '.', exactly six digits; "-0.000001" before 1970.
void append_epoch_seconds(std::int64_t unix_us, std::string& out);

// The nearest microsecond to `seconds` as a JSON reader holds it (a double). Gives back
// exactly what append_epoch_seconds wrote for any time within 2^33 s of 1970 (the
// years 1698 to 2242); beyond that a double is coarser than a microsecond. nullopt when
// not finite or outside the int64 microsecond range.
std::optional<std::int64_t> epoch_seconds_to_us(double seconds);

}  // namespace flowscope::flow
