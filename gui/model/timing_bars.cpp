#include "gui/model/timing_bars.hpp"

namespace flowscope::gui {

std::vector<TimingSegment> timing_segments(const flow::Timings& timings) {
  const std::pair<const char*, double> phases[] = {
      {"dns", timings.dns},   {"connect", timings.connect}, {"tls", timings.tls},
      {"send", timings.send}, {"wait", timings.wait},       {"receive", timings.receive},
  };
  std::vector<TimingSegment> segments;
  double at = 0;
  for (const auto& [name, length] : phases) {
    if (length < 0) continue;
    segments.push_back(TimingSegment{.name = name, .start_ms = at, .length_ms = length});
    at += length;
  }
  return segments;
}

double timing_total_ms(const std::vector<TimingSegment>& segments) {
  return segments.empty() ? 0 : segments.back().start_ms + segments.back().length_ms;
}

}  // namespace flowscope::gui
