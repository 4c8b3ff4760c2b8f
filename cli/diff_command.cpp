#include "cli/diff_command.hpp"

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "cli/recording_flags.hpp"
#include "cli/terminal.hpp"
#include "core/compare/diff_text.hpp"
#include "core/compare/recording_diff.hpp"

namespace flowscope::cli {

namespace {

constexpr int kTrouble = 2;  // diff(1)'s code for "could not compare"

struct DiffOptions {
  std::string before;
  std::string after;
  std::optional<std::string> filter;
  CompareFlags compare;
};

int diff(const DiffOptions& options) {
  auto filter = compile_filter_flag(options.filter);
  if (!filter) return filter.error();
  auto compare_options = compile_compare_flags(options.compare);
  if (!compare_options) return compare_options.error();
  auto before = read_selected_flows(options.before, *filter, kTrouble);
  if (!before) return before.error();
  auto after = read_selected_flows(options.after, *filter, kTrouble);
  if (!after) return after.error();

  const compare::RecordingDiff result = compare::diff_recordings(*before, *after, *compare_options);
  compare::DiffTextOptions text_options;
  text_options.colour = wants_colour(stdout);
  const std::string report = compare::format_recording_diff(result, *before, *after, text_options);
  std::fwrite(report.data(), 1, report.size(), stdout);
  std::fflush(stdout);
  return result.equal() ? 0 : 1;
}

}  // namespace

void add_diff_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<DiffOptions>();
  CLI::App* diff_app = app.add_subcommand("diff",
                                          "Compare two recordings request by request: exit 0 when "
                                          "equal, 1 when they differ, 2 on trouble");
  diff_app->add_option("before", options->before, "The first recording (JSON Lines store or HAR)")
      ->required()
      ->check(CLI::ExistingFile);
  diff_app->add_option("after", options->after, "The second recording (JSON Lines store or HAR)")
      ->required()
      ->check(CLI::ExistingFile);
  add_filter_flag(*diff_app, options->filter,
                  "Compare only the flows this expression matches, in both");
  add_compare_flags(*diff_app, options->compare);
  diff_app->footer(
      "Requests are paired by method, URL and occurrence (the 2nd GET /x of one with the 2nd of "
      "the other).\n"
      "JSON bodies are compared field by field ($.user.id), other bodies by size and SHA-256. "
      "docs/cli.md");
  diff_app->callback([options, &exit_code] { exit_code = diff(*options); });
}

}  // namespace flowscope::cli
