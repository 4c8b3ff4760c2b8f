#pragma once
// Replaces secrets in a flow by REDACTED before it is recorded, and notes each one in
// Flow::redactions (where, name, original length). It runs in the sink path (see
// RedactingSink), so the store, the HAR made from it, the console and the GUI never see
// the secret; what went over the wire is not touched. Recordings made in CI get
// committed, which is why `flowscope record` redacts by default.
//
// What is redacted (docs/flow-format.md, "Redaction"):
//   * the headers Authorization, Proxy-Authorization, Cookie, Set-Cookie, X-Api-Key, and
//     those whose name matches a `headers` pattern;
//   * query parameters of the request URL, and of the Referer and Location headers, whose
//     name matches token, key, secret, password, sig or a `params` pattern;
//   * JSON members (any depth, in arrays too) and urlencoded form fields of request and
//     response bodies whose name matches the same words or a `fields` pattern.
// A pattern is found anywhere in the name, ignoring case (NameMatcher). WebSocket message
// payloads are not redacted.
#include <optional>
#include <string>
#include <vector>

#include "core/flow/flow.hpp"
#include "core/redact/name_matcher.hpp"
#include "core/result.hpp"

namespace flowscope::redact {

// Patterns added to the built-in lists above (never replacing them).
struct RedactRules {
  std::vector<std::string> headers;
  std::vector<std::string> params;
  std::vector<std::string> fields;
};

class Redactor {
 public:
  // Compiles every pattern once; an error names the bad pattern and its flag.
  static Result<Redactor> compile(const RedactRules& rules = {});

  // The flow as it is to be recorded, or nullopt when it holds nothing to redact: the
  // common case makes no copy. Safe to call from several threads at once.
  std::optional<flow::Flow> redacted(const flow::Flow& flow) const;
  // The same, in place.
  void redact(flow::Flow& flow) const;

 private:
  NameMatcher headers_;
  NameMatcher params_;
  NameMatcher fields_;
};

}  // namespace flowscope::redact
