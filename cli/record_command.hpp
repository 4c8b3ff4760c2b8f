#pragma once
#include <CLI/CLI.hpp>

namespace flowscope::cli {

// `flowscope record -o api.har -- CMD ARGS…`: runs CMD behind the proxy and writes
// its traffic as HAR when it ends; exits with CMD's status. With `--replay api.har`
// the proxy answers CMD from that recording instead (server replay, offline).
void add_record_command(CLI::App& app, int& exit_code);

}  // namespace flowscope::cli
