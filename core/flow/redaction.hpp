#pragma once
// A note of one value the redactor (core/redact) replaced before the flow was recorded:
// where it was, its name, and how long the original was. The original itself is gone;
// the note says that something was there and how big it was, so a reader of a committed
// recording can tell a redacted value from an empty one.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flowscope::flow {

enum class RedactionPlace { kRequestHeader, kResponseHeader, kQuery, kRequestBody, kResponseBody };

struct Redaction {
  RedactionPlace where = RedactionPlace::kRequestHeader;
  // A header's name; a query or form parameter's name (percent-decoded); a JSON field's
  // path ("user.password", "items[2].token"); "Referer?token" for a parameter of a URL
  // in a header; "" for a whole body that was dropped because it could not be examined.
  std::string name;
  std::uint64_t original_length = 0;  // bytes of the value as it was recorded
  // Set on body notes when the body was decoded to be examined: the Content-Encoding it
  // was sent with, which is no longer in the recorded headers (the body is stored decoded).
  std::string content_encoding;
};

// "request_header", "response_header", "query", "request_body", "response_body".
const char* redaction_place_name(RedactionPlace where);
std::optional<RedactionPlace> parse_redaction_place(std::string_view name);

}  // namespace flowscope::flow
