#include "core/server_replay/outcome.hpp"

#include <algorithm>

namespace flowscope::server_replay {

namespace {

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

void add_list(std::vector<std::string>& lines, const std::string& title, const std::vector<std::string>& items,
              std::size_t listed) {
  if (items.empty()) return;
  lines.push_back(title);
  const std::size_t shown = std::min(items.size(), listed);
  for (std::size_t i = 0; i < shown; ++i) lines.push_back("  " + items[i]);
  if (items.size() > shown) lines.push_back("  … and " + std::to_string(items.size() - shown) + " more");
}

}  // namespace

std::string outcome_line(const Outcome& o) {
  std::string line = o.client_address + " " + o.method + " " + o.url + " ";
  switch (o.kind) {
    case Outcome::Kind::kServed:
      return line + std::to_string(o.status) + " served (recorded " + o.recorded_id + ", " +
             std::to_string(o.occurrence) + " of " + std::to_string(o.recorded) + ")";
    case Outcome::Kind::kUnmatched: return line + std::to_string(o.status) + " unmatched";
    case Outcome::Kind::kPassedThrough: return line + "unmatched, passed to the origin";
    case Outcome::Kind::kTooLongToMatch: return line + "body over --body-limit, sent to the origin unmatched";
  }
  return line;
}

void Tally::add(const Outcome& outcome) {
  switch (outcome.kind) {
    case Outcome::Kind::kServed: ++served; return;
    case Outcome::Kind::kUnmatched: ++unmatched; break;
    case Outcome::Kind::kPassedThrough:
    case Outcome::Kind::kTooLongToMatch: ++passed_through; break;
  }
  const std::string request = outcome.method + " " + outcome.url;
  auto miss = std::find_if(misses.begin(), misses.end(), [&](const Miss& m) { return m.request == request; });
  if (miss == misses.end()) {
    misses.push_back(Miss{request, 1});
  } else {
    ++miss->times;
  }
}

std::vector<std::string> summary_lines(const Tally& tally, const std::vector<std::string>& never_asked,
                                       std::size_t listed) {
  const std::size_t total = tally.served + tally.unmatched + tally.passed_through;
  std::string totals = plural(total, "request", "requests") + ": " + std::to_string(tally.served) +
                       " served from the recording, " + std::to_string(tally.unmatched) + " unmatched (502)";
  if (tally.passed_through > 0) totals += ", " + std::to_string(tally.passed_through) + " passed to the origin";
  std::vector<std::string> lines{totals};
  std::vector<std::string> misses;
  for (const Tally::Miss& miss : tally.misses) {
    misses.push_back(miss.request + (miss.times > 1 ? " (" + std::to_string(miss.times) + " times)" : ""));
  }
  add_list(lines, "not in the recording:", misses, listed);
  add_list(lines, plural(never_asked.size(), "recorded request was", "recorded requests were") + " never asked for:",
           never_asked, listed);
  return lines;
}

}  // namespace flowscope::server_replay
