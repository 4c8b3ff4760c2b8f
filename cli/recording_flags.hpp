#pragma once
// What show, diff and replay share: reading a recording (store or HAR) with its
// warnings on stderr, --filter, and the comparison flags of diff and replay.
#include <CLI/CLI.hpp>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "core/compare/flow_diff.hpp"
#include "core/filter/filter.hpp"
#include "core/flow/flow.hpp"

namespace flowscope::cli {

// --filter EXPR, with `what` saying what the filter selects ("show only the flows …").
CLI::Option* add_filter_flag(CLI::App& app, std::optional<std::string>& expression,
                             const std::string& what);

// The compiled --filter (none without the flag). A bad expression is printed with its
// caret and gives exit code 2.
std::expected<std::optional<filter::Filter>, int> compile_filter_flag(
    const std::optional<std::string>& expression);

// Every flow of the recording at `path` that `filter` matches (all without one), in
// file order. Unreadable records are skipped with a warning on stderr; a file that
// cannot be read at all is printed and gives exit code `failure_exit`.
std::expected<std::vector<flow::Flow>, int> read_selected_flows(
    const std::string& path, const std::optional<filter::Filter>& filter, int failure_exit = 1);

struct CompareFlags {
  std::vector<std::string> ignore_headers;
  std::vector<std::string> ignore_fields;
  bool no_default_ignores = false;
};

// --ignore-header REGEX, --ignore-field PATH (both repeatable), --no-default-ignores.
void add_compare_flags(CLI::App& app, CompareFlags& flags);

// The compiled flags; a bad regex or path is printed and gives exit code 2.
std::expected<compare::CompareOptions, int> compile_compare_flags(const CompareFlags& flags);

}  // namespace flowscope::cli
