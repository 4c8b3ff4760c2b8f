#pragma once
// The waterfall of one flow's timings. Phases follow one another; core keeps tls
// apart from connect (HAR folds ssl into connect only when writing HAR), so here
// connect is the TCP part alone and tls its own bar right after it.
#include <string>
#include <vector>

#include "core/flow/flow.hpp"

namespace flowscope::gui {

struct TimingSegment {
  std::string name;  // "dns", "connect", "tls", "send", "wait", "receive"
  double start_ms = 0;
  double length_ms = 0;
};

// Phases that did not happen (-1) are skipped and take no room.
std::vector<TimingSegment> timing_segments(const flow::Timings& timings);

// The end of the last segment, 0 when there is none.
double timing_total_ms(const std::vector<TimingSegment>& segments);

}  // namespace flowscope::gui
