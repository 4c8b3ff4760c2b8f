#pragma once
// Loads (or creates) the CA and adapts it to the engine's tls::CertificateSource
// interface and the cert.flowscope downloads. In core so that `flowscope run`, `record`
// and the GUI start interception the same way.
#include <filesystem>
#include <memory>
#include <string>

#include "ca/authority.hpp"
#include "ca/ca_store.hpp"
#include "core/proxy/ca_page.hpp"
#include "core/result.hpp"
#include "core/tls/certificate_source.hpp"

namespace flowscope::engine {

struct CaSettings {
  std::string home;             // empty: $FLOWSCOPE_HOME or ~/.flowscope
  std::string key_type = "ec";  // for a new CA: "ec" (P-256) or "rsa" (2048)
  std::string passphrase;
};

struct InterceptionSetup {
  ca::LoadedCa ca;
  std::shared_ptr<tls::CertificateSource> certificates;
  std::shared_ptr<proxy::CaDownloads> downloads;
};

Result<std::filesystem::path> resolve_home(const std::string& home);
Result<ca::LoadedCa> load_ca(const CaSettings& settings);
Result<InterceptionSetup> set_up_interception(const CaSettings& settings);

}  // namespace flowscope::engine
