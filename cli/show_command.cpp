#include "cli/show_command.hpp"

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "cli/recording_flags.hpp"
#include "cli/terminal.hpp"
#include "core/flow/console_sink.hpp"
#include "core/flow/flow_details.hpp"
#include "core/flow/json_line_writer.hpp"
#include "core/flow/terminal_colour.hpp"
#include "core/store/recording_reader.hpp"

namespace flowscope::cli {

namespace {

struct ShowOptions {
  std::string file;
  std::optional<std::string> filter;
  bool full = false;
  bool json = false;
};

void write_out(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
}

int show(const ShowOptions& options) {
  auto filter = compile_filter_flag(options.filter);
  if (!filter) return filter.error();
  const bool colour = !options.json && wants_colour(stdout);

  store::RecordingReadOptions read_options;
  // A plain listing needs only sizes, unless the filter searches bodies.
  read_options.bodies = options.full || options.json || (*filter && (*filter)->reads_bodies());
  read_options.warn = [](const std::string& warning) {
    std::fprintf(stderr, "flowscope: %s\n", warning.c_str());
  };
  std::size_t shown = 0;
  auto read = store::for_each_recorded_flow(
      options.file,
      [&](flow::Flow&& flow) {
        if (*filter && !(*filter)->matches(flow)) return;
        if (options.json) {
          write_out(flow::to_json_line(flow));
        } else if (options.full) {
          if (shown > 0) write_out("\n");
          write_out(flow::flow_details(flow, flow::DetailOptions{colour}));
        } else {
          const std::string line = flow::summary_line(flow);
          write_out((colour ? flow::ansi::paint(flow::ansi::flow_colour(flow), line) : line) +
                    "\n");
        }
        ++shown;
      },
      read_options);
  std::fflush(stdout);
  if (!read) {
    std::fprintf(stderr, "flowscope: %s\n", read.error().message.c_str());
    return 1;
  }
  if (*filter && shown == 0 && read->flows > 0) {
    std::fprintf(stderr, "flowscope: none of the %zu flows matches --filter\n", read->flows);
  }
  return 0;
}

}  // namespace

void add_show_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ShowOptions>();
  CLI::App* show_app = app.add_subcommand(
      "show", "List the flows of a recording (JSON Lines store or HAR), like mitmdump -nr");
  show_app
      ->add_option("file", options->file, "Recording: a JSON Lines store (run -w) or a HAR file")
      ->required()
      ->check(CLI::ExistingFile);
  add_filter_flag(*show_app, options->filter, "Show only the flows this expression matches");
  auto* full = show_app->add_flag(
      "--full", options->full,
      "Also print headers and bodies (decoded, JSON pretty-printed, binary summarised)");
  show_app
      ->add_flag("--json", options->json,
                 "Print the flows as JSON Lines, the store's format (for jq)")
      ->excludes(full);
  show_app->callback([options, &exit_code] { exit_code = show(*options); });
}

}  // namespace flowscope::cli
