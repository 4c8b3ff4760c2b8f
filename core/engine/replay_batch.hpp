#pragma once
// Recorded requests sent again through a started Engine (`flowscope replay`), with at
// most `concurrency` in flight: the next one goes out when one finishes. Results keep
// the order of the originals whatever order the replays finish in.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/engine/engine.hpp"
#include "core/flow/flow.hpp"

namespace flowscope::engine {

struct ReplayResult {
  std::optional<flow::Flow>
      replay;            // the new flow (replay_of = the original's id); absent when not sent
  std::string not_sent;  // why it was not sent: a blind tunnel, a truncated body, …
};

// Called on the calling thread as each replay finishes (or is refused), in finishing
// order, with the original's index: for progress output.
using ReplayFinished = std::function<void(std::size_t index, const ReplayResult& result)>;

// Blocks until every replay has finished; `concurrency` 0 counts as 1. The engine's
// own timeouts (connect, response) bound each exchange.
std::vector<ReplayResult> replay_all(Engine& engine, const std::vector<flow::Flow>& originals,
                                     std::size_t concurrency, const ReplayFinished& finished = {});

}  // namespace flowscope::engine
