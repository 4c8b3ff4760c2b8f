#pragma once
// Redacts the secret fields of one body: JSON documents (by their Content-Type, or by
// their first byte, since curl -d sends JSON as a form) and urlencoded forms. Other
// bodies are not read, so images and downloads cost nothing.
//
// A body sent with a Content-Encoding is examined only when its Content-Type says JSON
// or form. It is decoded first; when a field is redacted, the body is stored decoded and
// the caller drops the Content-Encoding header from the recorded message, so that the
// record stays true to itself (the notes keep the coding). A JSON or form body that
// cannot be decoded (cut by the body limit, an unknown coding, corrupt) cannot be
// examined: its kept bytes are dropped, as they may hold a secret, and the note says so.
#include <optional>
#include <string>
#include <vector>

#include "core/flow/flow.hpp"
#include "core/redact/name_matcher.hpp"

namespace flowscope::redact {

struct RedactedBody {
  std::string data;              // the body to record (empty when dropped)
  std::string content_encoding;  // non-empty: `data` is decoded from it; drop the header
  bool dropped = false;          // not examinable: record no bytes of it (the header may stay)
};

// nullopt when the body is recorded as it is.
std::optional<RedactedBody> redact_body(const flow::Body& body, const http::Headers& headers,
                                        const NameMatcher& secret_fields, flow::RedactionPlace where,
                                        std::vector<flow::Redaction>& notes);

}  // namespace flowscope::redact
