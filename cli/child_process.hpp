#pragma once
// Runs the command that `flowscope record -- CMD` wraps, with extra environment.
#include <sys/types.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace flowscope::cli {

// Starts argv[0] (searched in PATH) with the current environment plus `extra`
// (which wins), waits for it, and returns its exit status (128+N for signal N).
// The child gets a clean signal mask even if the caller blocked signals.
// `started` is called with the child's pid once it runs.
Result<int> run_child(const std::vector<std::string>& argv, const std::map<std::string, std::string>& extra,
                      const std::function<void(pid_t)>& started = {});

}  // namespace flowscope::cli
