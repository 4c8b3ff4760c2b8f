#pragma once
#include <CLI/CLI.hpp>

namespace flowscope::cli {

// `flowscope export --har OUT FLOWS.jsonl` and `flowscope import IN.har -o FLOWS.jsonl`
void add_convert_commands(CLI::App& app, int& exit_code);

}  // namespace flowscope::cli
