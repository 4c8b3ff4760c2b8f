#include "cli/convert_commands.hpp"

#include <cstdio>
#include <memory>
#include <string>

#include "cli/har_conversion.hpp"

namespace flowscope::cli {

namespace {

struct ConvertOptions {
  std::string input;
  std::string output;
};

int finish(const Result<ConversionReport>& report, const char* verb, const std::string& output) {
  if (!report) {
    std::fprintf(stderr, "flowscope: %s\n", report.error().message.c_str());
    return 1;
  }
  std::fprintf(stderr, "flowscope: %s %zu flows to %s", verb, report->flows, output.c_str());
  if (report->skipped > 0) std::fprintf(stderr, " (%zu unreadable records skipped)", report->skipped);
  std::fprintf(stderr, "\n");
  return 0;
}

}  // namespace

void add_convert_commands(CLI::App& app, int& exit_code) {
  auto export_options = std::make_shared<ConvertOptions>();
  CLI::App* export_app = app.add_subcommand("export", "Write the flows of a JSON Lines store as HAR 1.2");
  export_app->add_option("--har", export_options->output, "HAR file to write")->required();
  export_app->add_option("store", export_options->input, "JSON Lines store (flowscope run -w)")
      ->required()
      ->check(CLI::ExistingFile);
  export_app->callback([export_options, &exit_code] {
    exit_code = finish(export_har(export_options->input, export_options->output), "exported",
                       export_options->output);
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
