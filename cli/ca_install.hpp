#pragma once
// Adds the CA to (and removes it from) the trust stores of this machine: the
// Debian/Ubuntu system store and the NSS databases Chromium and Firefox read.
#include <filesystem>
#include <string>

#include "core/result.hpp"

namespace flowscope::cli {

struct TrustTargets {
  bool system = false;  // /usr/local/share/ca-certificates + update-ca-certificates
  bool nss = false;     // ~/.pki/nssdb and Firefox profiles, via certutil
};

// Each returns a human-readable report of what was done.
Result<std::string> install_ca(const std::filesystem::path& cert_pem, TrustTargets targets);
Result<std::string> uninstall_ca(TrustTargets targets);

// Steps for the platforms this tool cannot reach (macOS, Windows, Android, iOS).
std::string manual_install_instructions(const std::filesystem::path& cert_pem);

}  // namespace flowscope::cli
