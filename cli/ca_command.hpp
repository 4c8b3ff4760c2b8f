#pragma once
#include <CLI/CLI.hpp>

namespace flowscope::cli {

// `flowscope ca path | export | install | uninstall`
void add_ca_command(CLI::App& app, int& exit_code);

}  // namespace flowscope::cli
