#pragma once
#include <CLI/CLI.hpp>

namespace flowscope::cli {

// `flowscope replay FILE [--filter EXPR] [--concurrency N] [--check] [-w OUT.jsonl]
// [-o OUT.har]`: the recorded requests sent again through the engine's replay API,
// each compared with its original (core/compare).
void add_replay_command(CLI::App& app, int& exit_code);

}  // namespace flowscope::cli
