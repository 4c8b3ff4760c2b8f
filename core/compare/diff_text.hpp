#pragma once
// Comparisons as text for a terminal: `flowscope diff`'s report, and the change lines
// `flowscope replay` prints under a row of its table. One change per line, e.g.
//   status: 200 → 404
//   response header Content-Type: application/json → text/html
//   response body $.user.id: 1 → 2
//   response body $.items[2]: added {"id":3}
//   response body: 12 B, sha256 1a2b3c4d5e6f → 14 B, sha256 9f8e7d6c5b4a
#include <cstddef>
#include <string>
#include <vector>

#include "core/compare/flow_diff.hpp"
#include "core/compare/recording_diff.hpp"
#include "core/flow/flow.hpp"

namespace flowscope::compare {

// At most `max_fields` field lines per body, then "… N more fields". When the failure
// differs (one side failed, or both for different reasons) only the status and error
// lines are given: the failed side's headers and body are the proxy's error answer.
std::vector<std::string> change_lines(const ExchangeDiff& diff, std::size_t max_fields = 20);

// "$.user.id: 1 → 2", "$.items[2]: added {…}", "$.gone: removed true".
std::string field_change_text(const FieldChange& change);

// "12 B, sha256 1a2b3c4d5e6f" (" (truncated)" when only part was recorded): the first
// 12 hex digits tell bodies apart well enough for a person.
std::string digest_text(const BodyDigest& digest);

struct DiffTextOptions {
  bool colour = false;  // ANSI: removed red, added green, changed yellow
  std::size_t max_fields = 20;
};

// The whole report: "- METHOD URL" for a removed request, "+ …" for an added one, and
// "~ …" with its change lines indented for a pair that differs, in the first
// recording's order, added ones last; then one summary line. Equal pairs are not listed.
std::string format_recording_diff(const RecordingDiff& diff, const std::vector<flow::Flow>& before,
                                  const std::vector<flow::Flow>& after,
                                  const DiffTextOptions& options = {});

}  // namespace flowscope::compare
