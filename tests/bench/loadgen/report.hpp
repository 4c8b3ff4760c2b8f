#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

#include "options.hpp"
#include "stats.hpp"

namespace flowscope::loadgen {

struct RunResult {
  const Options& options;
  size_t origin_count;
  double elapsed_s;
  const Stats& stats;
};

void print_summary(std::ostream& out, const RunResult& run);
nlohmann::json to_json(const RunResult& run);

}  // namespace flowscope::loadgen
