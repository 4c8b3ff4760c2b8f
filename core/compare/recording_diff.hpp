#pragma once
// Two recordings compared request by request. Requests are paired by method, URL and
// occurrence: the n-th `GET /x` of the first recording with the n-th of the second.
// What has no partner was removed (only in the first) or added (only in the second).
// Pure: the caller reads the recordings and applies any --filter first.
#include <cstddef>
#include <string>
#include <vector>

#include "core/compare/flow_diff.hpp"
#include "core/flow/flow.hpp"

namespace flowscope::compare {

struct PairedExchange {
  std::size_t before = 0;      // index in the first recording
  std::size_t after = 0;       // index in the second
  std::size_t occurrence = 1;  // 1 for the first `METHOD URL` of its kind, 2 for the second, …
  ExchangeDiff diff;
};

// A request only one recording has.
struct UnpairedExchange {
  std::size_t index = 0;       // in the recording that has it
  std::size_t occurrence = 1;  // among that recording's requests with its method and URL
};

struct RecordingDiff {
  std::vector<PairedExchange> paired;     // in the first recording's order
  std::vector<UnpairedExchange> removed;  // only in the first recording, in its order
  std::vector<UnpairedExchange> added;    // only in the second recording, in its order
  // Of the pairs, how many differ.
  std::size_t changed() const;
  bool equal() const { return removed.empty() && added.empty() && changed() == 0; }
};

RecordingDiff diff_recordings(const std::vector<flow::Flow>& before,
                              const std::vector<flow::Flow>& after, const CompareOptions& options);

// "GET http://x/a", with " (#2)" from the second occurrence on: how the pairing names
// an exchange.
std::string exchange_label(const flow::Flow& flow, std::size_t occurrence = 1);

}  // namespace flowscope::compare
