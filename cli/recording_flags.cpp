#include "cli/recording_flags.hpp"

#include <cstdio>

#include "core/store/recording_reader.hpp"

namespace flowscope::cli {

CLI::Option* add_filter_flag(CLI::App& app, std::optional<std::string>& expression,
                             const std::string& what) {
  return app.add_option("--filter", expression,
                        what + ", e.g. '~d example.com & !~c 2xx' (docs/filters.md)");
}

std::expected<std::optional<filter::Filter>, int> compile_filter_flag(
    const std::optional<std::string>& expression) {
  if (!expression) return std::optional<filter::Filter>();
  auto compiled = filter::Filter::compile(*expression);
  if (!compiled) {
    std::fprintf(stderr, "flowscope: --filter: %s\n", compiled.error().message.c_str());
    return std::unexpected(2);
  }
  return std::optional<filter::Filter>(std::move(*compiled));
}

std::expected<std::vector<flow::Flow>, int> read_selected_flows(
    const std::string& path, const std::optional<filter::Filter>& filter, int failure_exit) {
  std::vector<flow::Flow> flows;
  store::RecordingReadOptions options;
  options.warn = [](const std::string& warning) {
    std::fprintf(stderr, "flowscope: %s\n", warning.c_str());
  };
  auto read = store::for_each_recorded_flow(
      path,
      [&](flow::Flow&& flow) {
        if (!filter || filter->matches(flow)) flows.push_back(std::move(flow));
      },
      options);
  if (!read) {
    std::fprintf(stderr, "flowscope: %s\n", read.error().message.c_str());
    return std::unexpected(failure_exit);
  }
  return flows;
}

void add_compare_flags(CLI::App& app, CompareFlags& flags) {
  app.add_option("--ignore-header", flags.ignore_headers,
                 "Leave headers whose name this regex matches out of the comparison "
                 "(case-insensitive, searched "
                 "in the name as ~h does; repeatable)");
  app.add_option(
      "--ignore-field", flags.ignore_fields,
      "Leave this JSON body field out of the comparison, with everything under it: $.user.id, "
      "items[*].updated_at (repeatable)");
  app.add_flag("--no-default-ignores", flags.no_default_ignores,
               "Also compare the headers left out by default (Date, Expires, Age, Last-Modified, "
               "ETag, Cookie, "
               "Set-Cookie, Content-Length, Transfer-Encoding, Connection, request ids and "
               "tracing; docs/cli.md)");
}

std::expected<compare::CompareOptions, int> compile_compare_flags(const CompareFlags& flags) {
  auto options = compare::make_compare_options(flags.ignore_headers, flags.ignore_fields,
                                               !flags.no_default_ignores);
  if (!options) {
    std::fprintf(stderr, "flowscope: %s\n", options.error().message.c_str());
    return std::unexpected(2);
  }
  return std::move(*options);
}

}  // namespace flowscope::cli
