#pragma once
// Redacts name=value pairs whose names are secret: the query of a URL ("?a=1&token=x")
// and application/x-www-form-urlencoded bodies. Names are percent-decoded (and '+' read
// as a space) before they are matched; values are replaced as they were written, so the
// rest of the text keeps its exact bytes.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/flow/redaction.hpp"
#include "core/redact/name_matcher.hpp"

namespace flowscope::redact {

// `pairs` split on '&'. A matching pair's non-empty value becomes REDACTED, noted with
// `prefix` + the decoded name and the value's length as written. nullopt when nothing
// was replaced.
std::optional<std::string> redact_form_pairs(std::string_view pairs, const NameMatcher& secret,
                                             flow::RedactionPlace where, std::string_view prefix,
                                             std::vector<flow::Redaction>& notes);

// The same for the query of a URL, absolute or relative: what follows the first '?', up
// to a '#'. nullopt when nothing was replaced (or the URL has no query).
std::optional<std::string> redact_url_query(std::string_view url, const NameMatcher& secret,
                                            flow::RedactionPlace where, std::string_view prefix,
                                            std::vector<flow::Redaction>& notes);

}  // namespace flowscope::redact
