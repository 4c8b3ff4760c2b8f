#pragma once
// What a secret header's value is recorded as. The secret becomes REDACTED; what helps
// reading the flow and is no secret stays: the scheme of an Authorization
// ("Bearer REDACTED"), the names of cookies ("sid=REDACTED; theme=REDACTED") and the
// attributes of a Set-Cookie ("sid=REDACTED; Path=/; HttpOnly"). Any other header's
// value is replaced whole.
#include <string>
#include <string_view>

namespace flowscope::redact {

std::string redacted_header_value(std::string_view name, std::string_view value);

}  // namespace flowscope::redact
