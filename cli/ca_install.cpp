#include "cli/ca_install.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <system_error>
#include <vector>

namespace flowscope::cli {

namespace {

namespace fs = std::filesystem;

const fs::path kSystemAnchor = "/usr/local/share/ca-certificates/flowscope.crt";
constexpr const char* kNickname = "flowscope";

// Runs argv without a shell; returns the exit status (127 when it cannot start).
// `quiet` silences the program's stderr, for calls whose failure is expected.
int run(const std::vector<std::string>& argv, bool quiet = false) {
  pid_t pid = fork();
  if (pid < 0) return 127;
  if (pid == 0) {
    if (quiet) {
      int null = open("/dev/null", O_WRONLY);
      if (null >= 0) dup2(null, 2);
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

bool have(const char* program) { return run({"sh", "-c", std::string("command -v ") + program + " >/dev/null"}) == 0; }

// ~/.pki/nssdb (Chromium) and every Firefox profile that has an NSS database.
std::vector<fs::path> nss_databases(bool create_chromium_db) {
  std::vector<fs::path> out;
  const char* home = std::getenv("HOME");
  if (home == nullptr) return out;
  fs::path chromium = fs::path(home) / ".pki" / "nssdb";
  std::error_code ec;
  if (!fs::exists(chromium / "cert9.db", ec) && create_chromium_db) {
    fs::create_directories(chromium, ec);
    run({"certutil", "-d", "sql:" + chromium.string(), "-N", "--empty-password"});
  }
  if (fs::exists(chromium / "cert9.db", ec)) out.push_back(chromium);
  fs::path firefox = fs::path(home) / ".mozilla" / "firefox";
  if (fs::is_directory(firefox, ec)) {
    for (const auto& entry : fs::directory_iterator(firefox, ec)) {
      if (fs::exists(entry.path() / "cert9.db", ec)) out.push_back(entry.path());
    }
  }
  return out;
}

}  // namespace

Result<std::string> install_ca(const fs::path& cert_pem, TrustTargets targets) {
  std::string report;
  if (targets.system) {
    if (geteuid() != 0) return fail("--system needs root: run `sudo flowscope ca install --system`");
    if (!have("update-ca-certificates")) {
      return fail("update-ca-certificates is missing: apt-get install ca-certificates");
    }
    std::error_code ec;
    fs::create_directories(kSystemAnchor.parent_path(), ec);
    fs::copy_file(cert_pem, kSystemAnchor, fs::copy_options::overwrite_existing, ec);
    if (ec) return fail("cannot copy the CA to " + kSystemAnchor.string() + ": " + ec.message());
    if (run({"update-ca-certificates"}) != 0) return fail("update-ca-certificates failed");
    report += "system store: added " + kSystemAnchor.string() + " (update-ca-certificates)\n";
  }
  if (targets.nss) {
    if (!have("certutil")) return fail("certutil is missing: apt-get install libnss3-tools");
    for (const auto& db : nss_databases(true)) {
      run({"certutil", "-d", "sql:" + db.string(), "-D", "-n", kNickname}, true);  // replace an older one
      if (run({"certutil", "-d", "sql:" + db.string(), "-A", "-t", "C,,", "-n", kNickname, "-i", cert_pem.string()}) !=
          0) {
        return fail("certutil could not add the CA to " + db.string());
      }
      report += "NSS database: added to " + db.string() + "\n";
    }
  }
  return report;
}

Result<std::string> uninstall_ca(TrustTargets targets) {
  std::string report;
  if (targets.system) {
    if (geteuid() != 0) return fail("--system needs root: run `sudo flowscope ca uninstall --system`");
    std::error_code ec;
    if (fs::remove(kSystemAnchor, ec)) {
      run({"update-ca-certificates", "--fresh"});
      report += "system store: removed " + kSystemAnchor.string() + "\n";
    } else {
      report += "system store: flowscope was not installed\n";
    }
  }
  if (targets.nss && have("certutil")) {
    for (const auto& db : nss_databases(false)) {
      if (run({"certutil", "-d", "sql:" + db.string(), "-D", "-n", kNickname}, true) == 0) {
        report += "NSS database: removed from " + db.string() + "\n";
      }
    }
  }
  return report;
}

std::string manual_install_instructions(const fs::path& cert_pem) {
  const std::string pem = cert_pem.string();
  std::string der = pem.substr(0, pem.size() - 4) + ".der";
  return "Other devices (or open http://cert.flowscope/ through the proxy on them):\n"
         "  macOS:   sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain " + pem + "\n"
         "  Windows: certutil -addstore Root " + der + "   (administrator prompt)\n"
         "  Android: copy " + der + " to the device; Settings > Security > Install a certificate > CA certificate\n"
         "  iOS:     open the PEM in Safari, install the profile, then enable it under\n"
         "           Settings > General > About > Certificate Trust Settings\n";
}

}  // namespace flowscope::cli
