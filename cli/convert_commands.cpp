#include "cli/convert_commands.hpp"

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "cli/har_conversion.hpp"

namespace flowscope::cli {

namespace {

struct ConvertOptions {
  std::string input;
  std::string output;
  std::optional<std::string> filter;  // export only
};

int finish(const Result<ConversionReport>& report, const char* verb, const std::string& output) {
  if (!report) {
    std::fprintf(stderr, "flowscope: %s\n", report.error().message.c_str());
    return 1;
  }
  std::fprintf(stderr, "flowscope: %s %zu flows to %s", verb, report->flows, output.c_str());
  if (report->skipped > 0) std::fprintf(stderr, " (%zu unreadable records skipped)", report->skipped);
  if (report->not_matching > 0) std::fprintf(stderr, " (%zu not matching --filter)", report->not_matching);
  std::fprintf(stderr, "\n");
  return 0;
}

int run_export(const ConvertOptions& options) {
  // A bad --filter is a usage error, reported before the HAR file is created.
  std::optional<filter::Filter> filter;
  if (options.filter) {
    auto compiled = filter::Filter::compile(*options.filter);
    if (!compiled) {
      std::fprintf(stderr, "flowscope: --filter: %s\n", compiled.error().message.c_str());
      return 2;
    }
    filter = std::move(*compiled);
  }
  return finish(export_har(options.input, options.output, filter ? &*filter : nullptr), "exported", options.output);
}

}  // namespace

void add_convert_commands(CLI::App& app, int& exit_code) {
  auto export_options = std::make_shared<ConvertOptions>();
  CLI::App* export_app = app.add_subcommand("export", "Write the flows of a JSON Lines store as HAR 1.2");
  export_app->add_option("--har", export_options->output, "HAR file to write")->required();
  export_app->add_option("store", export_options->input, "JSON Lines store (flowscope run -w)")
      ->required()
      ->check(CLI::ExistingFile);
  export_app->add_option("--filter", export_options->filter,
                         "Export only the flows this expression matches, e.g. '~d example.com & !~c 2xx' "
                         "(docs/filters.md)");
  export_app->callback([export_options, &exit_code] {
    exit_code = run_export(*export_options);
  });

  auto import_options = std::make_shared<ConvertOptions>();
  CLI::App* import_app = app.add_subcommand("import", "Append the entries of a HAR file to a JSON Lines store");
  import_app->add_option("har", import_options->input, "HAR file (Chrome, Firefox, mitmproxy, Playwright)")
      ->required()
      ->check(CLI::ExistingFile);
  import_app->add_option("-o,--output", import_options->output, "JSON Lines store to append to")->required();
  import_app->callback([import_options, &exit_code] {
    exit_code = finish(import_har(import_options->input, import_options->output), "imported",
                       import_options->output);
  });
}

}  // namespace flowscope::cli
