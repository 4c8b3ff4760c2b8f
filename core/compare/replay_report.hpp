#pragma once
// What `flowscope replay` prints: a line per finished replay (or a progress bar on a
// terminal), then a table of the replays that differ from their originals (status,
// response body SHA-256 and size, with the change lines under each row) and a summary.
// --check fails on what `outcome_or_response_body_changed` counts.
#include <cstddef>
#include <string>
#include <vector>

#include "core/compare/flow_diff.hpp"
#include "core/flow/flow.hpp"

namespace flowscope::compare {

// One original and what its replay did.
struct ReplayComparison {
  std::size_t index = 0;  // 0-based, among the flows replayed
  const flow::Flow* original = nullptr;
  const flow::Flow* replay = nullptr;  // null when it was not sent
  std::string not_sent;                // why not, then
  ExchangeDiff diff;                   // original → replay; meaningful when sent

  bool sent() const { return replay != nullptr; }
  // Counted by --check: a different status, a failure, or a different response body.
  bool changed() const { return sent() && diff.outcome_or_response_body_changed(); }
  // Only headers differ (after the ignores): shown, not counted by --check.
  bool headers_only() const { return sent() && !changed() && diff.changed(); }
};

ReplayComparison compare_replay(std::size_t index, const flow::Flow& original,
                                const flow::Flow* replay, std::string not_sent,
                                const CompareOptions& options);

struct ReplayTotals {
  std::size_t replayed = 0, same = 0, changed = 0, headers_only = 0, not_sent = 0;
};
ReplayTotals total(const std::vector<ReplayComparison>& comparisons);

// "[3/12] replay GET http://x/a 200 OK 5B 1.2ms: same" (or "changed", "headers differ",
// "not sent: …"); `total` is the number of flows being replayed.
std::string replay_line(const ReplayComparison& comparison, std::size_t total);

// "[##########..........] 6/12 replayed, 1 changed", `width` characters of bar.
std::string progress_bar(std::size_t done, std::size_t total, std::size_t changed,
                         std::size_t width = 30);

struct ReplayTableOptions {
  bool colour = false;
  std::size_t max_fields = 20;  // change lines per body under a row
};

// The rows that differ or were not sent, then the summary line, e.g.
//    #  request                 status     response body sha256           size
//    2  GET http://x/a          200 → 500  1a2b3c4d5e6f → 9f8e7d6c5b4a    5 B → 21 B
//         status: 200 → 500
//   replayed 3 of 3: 2 same, 1 changed, 0 with header changes only, 0 not sent
std::string replay_table(const std::vector<ReplayComparison>& comparisons,
                         const ReplayTableOptions& options = {});

}  // namespace flowscope::compare
