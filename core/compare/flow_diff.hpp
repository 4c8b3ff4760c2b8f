#pragma once
// Two exchanges of the same request compared: status, failure, headers (minus the
// ignored ones), and bodies: JSON bodies field by field (minus --ignore-field paths),
// other bodies by SHA-256 and size of their decoded bytes. `flowscope diff` compares
// paired flows of two recordings with it, `flowscope replay` each replay with its
// original, and the GUI's diff view will show the same result. Pure: no I/O.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/compare/header_rules.hpp"
#include "core/compare/json_diff.hpp"
#include "core/compare/json_path.hpp"
#include "core/flow/flow.hpp"
#include "core/result.hpp"

namespace flowscope::compare {

struct CompareOptions {
  HeaderRules headers;
  std::vector<FieldPattern> ignored_fields;  // apply to request and response bodies
};

// From the flags: --ignore-header REGEX, --ignore-field PATH (both repeatable) and
// --no-default-ignores. Errors are usage errors and name the bad flag value.
Result<CompareOptions> make_compare_options(const std::vector<std::string>& ignore_headers,
                                            const std::vector<std::string>& ignore_fields,
                                            bool default_ignores = true);

// A body as the comparison sees it: Content-Encoding undone when it can be.
struct BodyDigest {
  std::uint64_t size =
      0;               // decoded bytes when the whole body was kept, else the recorded (wire) size
  std::string sha256;  // hex SHA-256 of the decoded bytes kept
  bool truncated = false;  // the recording kept only part of it (--body-limit)
};

struct BodyDiff {
  BodyDigest before, after;
  bool as_json = false;  // both bodies were whole and parsed as JSON: `fields` says what differs
  JsonDiff fields;
  bool differs =
      false;  // as JSON: some field not ignored differs; otherwise: size or SHA-256 differ
};

// One header name whose values differ (compared in order, names case-insensitively).
// `before` is empty when the header was added, `after` when it was removed.
struct HeaderChange {
  std::string name;  // as the first side that has it spells it
  std::vector<std::string> before, after;
};

struct MessageDiff {
  std::vector<HeaderChange> headers;
  BodyDiff body;
};

struct ExchangeDiff {
  std::optional<int> status_before, status_after;  // absent: no response (a failure or a tunnel)
  std::string error_before, error_after;
  MessageDiff request, response;

  // The status, or whether (and why) the exchange failed.
  bool outcome_changed() const {
    return status_before != status_after || error_before != error_after;
  }
  bool headers_changed() const { return !request.headers.empty() || !response.headers.empty(); }
  bool body_changed() const { return request.body.differs || response.body.differs; }
  // What `replay --check` fails on: the status (or a failure) and the response body.
  bool outcome_or_response_body_changed() const {
    return outcome_changed() || response.body.differs;
  }
  bool changed() const { return outcome_changed() || headers_changed() || body_changed(); }
};

// `before` and `after` are taken to be the same request (diff pairs them by method
// and URL; a replay is its original sent again); their ids are not compared.
ExchangeDiff compare_exchanges(const flow::Flow& before, const flow::Flow& after,
                               const CompareOptions& options);

// The parts one by one, for callers that compare a single part.
BodyDiff compare_bodies(const flow::Body& before, const http::Headers& before_headers,
                        const flow::Body& after, const http::Headers& after_headers,
                        const CompareOptions& options);
std::vector<HeaderChange> compare_headers(const http::Headers& before, const http::Headers& after,
                                          const HeaderRules& rules);
BodyDigest digest_body(const flow::Body& body, const http::Headers& headers);

}  // namespace flowscope::compare
