#include "cli/ca_command.hpp"

#include <cstdio>
#include <fstream>
#include <memory>

#include <unistd.h>

#include "ca/export.hpp"
#include "cli/ca_install.hpp"
#include "core/engine/interception_setup.hpp"

namespace flowscope::cli {

namespace {

struct CaOptions {
  engine::CaSettings ca;
  std::string format = "pem";
  std::string output;
  bool system = false;
  bool nss = false;
};

// Neither flag given: both stores, as far as this machine allows.
TrustTargets targets_of(const CaOptions& o) {
  if (!o.system && !o.nss) return TrustTargets{true, true};
  return TrustTargets{o.system, o.nss};
}

int report_error(const Error& error) {
  std::fprintf(stderr, "flowscope: %s\n", error.message.c_str());
  return 1;
}

int ca_path(const CaOptions& o) {
  auto loaded = engine::load_ca(o.ca);
  if (!loaded) return report_error(loaded.error());
  std::printf("%s\n", loaded->paths.cert_pem.c_str());
  return 0;
}

int ca_export(const CaOptions& o) {
  auto format = ca::parse_export_format(o.format);
  if (!format) return report_error(Error{"--format " + o.format + ": expected pem, der or p12"});
  auto loaded = engine::load_ca(o.ca);
  if (!loaded) return report_error(loaded.error());
  auto bytes = ca::export_ca_cert(*loaded->authority, *format);
  if (!bytes) return report_error(bytes.error());
  if (o.output.empty() || o.output == "-") {
    std::fwrite(bytes->data(), 1, bytes->size(), stdout);
    return 0;
  }
  std::ofstream out(o.output, std::ios::binary | std::ios::trunc);
  out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
  if (!out) return report_error(Error{"cannot write " + o.output});
  std::fprintf(stderr, "flowscope: wrote %s\n", o.output.c_str());
  return 0;
}

int ca_install(const CaOptions& o) {
  auto loaded = engine::load_ca(o.ca);
  if (!loaded) return report_error(loaded.error());
  TrustTargets targets = targets_of(o);
  if (!o.system && !o.nss && geteuid() != 0) targets.system = false;  // default: what we may do
  auto report = install_ca(loaded->paths.cert_pem, targets);
  if (!report) return report_error(report.error());
  std::printf("%s%s", report->c_str(), manual_install_instructions(loaded->paths.cert_pem).c_str());
  std::printf("Undo with: flowscope ca uninstall\n");
  return 0;
}

int ca_uninstall(const CaOptions& o) {
  TrustTargets targets = targets_of(o);
  if (!o.system && !o.nss && geteuid() != 0) targets.system = false;
  auto report = uninstall_ca(targets);
  if (!report) return report_error(report.error());
  std::printf("%s", report->c_str());
  return 0;
}

}  // namespace

void add_ca_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CaOptions>();
  CLI::App* ca_app = app.add_subcommand("ca", "Show, export, install or uninstall the flowscope CA");
  ca_app->require_subcommand(1);
  ca_app->add_option("--home", options->ca.home, "Where the CA lives (default $FLOWSCOPE_HOME or ~/.flowscope)");

  ca_app->add_subcommand("path", "Print the path of the CA certificate (creating the CA if needed)")
      ->callback([options, &exit_code] { exit_code = ca_path(*options); });

  CLI::App* export_app = ca_app->add_subcommand("export", "Write the CA certificate (never its key)");
  export_app->add_option("--format", options->format, "pem, der or p12")->capture_default_str();
  export_app->add_option("-o,--output", options->output, "File to write (default: standard output)");
  export_app->callback([options, &exit_code] { exit_code = ca_export(*options); });

  CLI::App* install_app = ca_app->add_subcommand("install", "Trust the CA on this machine");
  install_app->add_flag("--system", options->system, "Debian/Ubuntu system store (needs root)");
  install_app->add_flag("--nss", options->nss, "NSS databases of Chromium and Firefox (certutil)");
  install_app->callback([options, &exit_code] { exit_code = ca_install(*options); });

  CLI::App* uninstall_app = ca_app->add_subcommand("uninstall", "Stop trusting the CA on this machine");
  uninstall_app->add_flag("--system", options->system, "Debian/Ubuntu system store (needs root)");
  uninstall_app->add_flag("--nss", options->nss, "NSS databases of Chromium and Firefox");
  uninstall_app->callback([options, &exit_code] { exit_code = ca_uninstall(*options); });
}

}  // namespace flowscope::cli
