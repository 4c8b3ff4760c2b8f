#pragma once
// Counts what a run recorded, for the closing line of `flowscope record` and `run`:
// "12 flows to 3 hosts, 1 failed". A sink, so it sees exactly the flows the store
// does (after --filter).
#include <cstddef>
#include <mutex>
#include <set>
#include <string>

#include "core/flow/sink.hpp"

namespace flowscope::flow {

class FlowTally : public FlowSink {
 public:
  void on_flow(const Flow& flow) override;

  std::size_t flows() const;
  std::size_t hosts() const;
  std::size_t failed() const;
  // "12 flows to 3 hosts, 1 failed" ("1 flow to 1 host", "no flows").
  std::string summary() const;

 private:
  mutable std::mutex mutex_;
  std::size_t flows_ = 0;
  std::size_t failed_ = 0;
  std::set<std::string> hosts_;
};

}  // namespace flowscope::flow
