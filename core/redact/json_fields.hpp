#pragma once
// Redacts the members of a JSON document whose names are secret, at any depth and in
// arrays, without re-serialising it: one pass validates the text (RFC 8259) and notes the
// byte span of each secret value, and only those spans are replaced by "REDACTED". Every
// other byte of the body (whitespace, number spellings, escapes, key order) stays as it
// was recorded. Text that is not valid JSON is left alone.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/flow/redaction.hpp"
#include "core/redact/name_matcher.hpp"

namespace flowscope::redact {

// The redacted text, or nullopt when nothing was replaced (no secret member, or not
// JSON). `cut` says the text is a prefix of the body (the body limit cut it): running out
// of text is then no error, and a secret value cut short is redacted to the end. A secret
// member's whole value is replaced, whatever its type (an object or array included), unless
// it holds nothing: null, true, false and "" are left. Each replacement appends a note with
// the member's path ("a.b[2].token") and the length of its value as written (a string's
// without its quotes). Nesting deeper than 512 is treated as not JSON.
std::optional<std::string> redact_json_fields(std::string_view text, bool cut, const NameMatcher& secret,
                                              flow::RedactionPlace where, std::vector<flow::Redaction>& notes);

// True when the first byte that is not JSON whitespace opens an object or array: the
// only documents with members, and a cheap test before the scan.
bool looks_like_json_document(std::string_view text);

}  // namespace flowscope::redact
