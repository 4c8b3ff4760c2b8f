#pragma once
// The CA on disk: created on first run, loaded on every later one.
//
// A home directory holds four files:
//   ca-key.pem   the CA private key, PKCS#8 PEM, unencrypted, mode 0600
//   ca-cert.pem  the CA certificate, PEM (what most trust stores import)
//   ca-cert.der  the same certificate, DER (Android, some Java tools)
//   ca.p12       key and certificate, PKCS#12, mode 0600 (what Windows and Firefox import)
#include <filesystem>
#include <string>
#include <string_view>

#include "ca/authority.hpp"
#include "ca/ca_certificate.hpp"
#include "ca/key.hpp"
#include "core/result.hpp"

namespace flowscope::ca {

struct CaPaths {
  std::filesystem::path home;
  std::filesystem::path key_pem;
  std::filesystem::path cert_pem;
  std::filesystem::path cert_der;
  std::filesystem::path p12;

  static CaPaths in(const std::filesystem::path& home);
};

struct CaOptions {
  // Used only when a new CA is created; an existing CA keeps its key.
  KeyType key_type = KeyType::kEcP256;
  // Protects ca.p12 when the CA is created, and opens an encrypted ca-key.pem or a protected
  // ca.p12 when it is loaded. ca-key.pem is written unencrypted so the proxy starts unattended.
  std::string passphrase;
  // Total validity of a new CA; shorter values exist for tests.
  int validity_days = kMaxCaValidityDays;
};

struct LoadedCa {
  AuthorityPtr authority;
  CaPaths paths;
  bool created = false;  // true on first run: the caller should tell the user to trust it
};

// Loads the CA in `home`, creating the directory (0700) and a new CA when there is none.
//  * ca-key.pem present: load it with ca-cert.pem.
//  * only ca.p12 present: load it (it is written first, so it survives a crash mid-creation).
//  * ca-cert.pem without any key: fail rather than replace a CA the user may already trust.
//  * nothing: create a CA.
// Files missing from a loaded CA's set are written again from it.
// A key file (ca-key.pem, ca.p12) that group or others can access is refused with an error
// that says `chmod 600 <file>`.
Result<LoadedCa> load_or_create(const std::filesystem::path& home, const CaOptions& options = {});

// A CA from a PEM key and certificate (for example --ca-key/--ca-cert). The key file must be
// mode 0600 or stricter.
Result<AuthorityPtr> load_pem(const std::filesystem::path& key_file,
                              const std::filesystem::path& cert_file,
                              std::string_view passphrase = {});

// A CA from a PKCS#12 file holding its key and certificate. The file must be 0600 or stricter.
Result<AuthorityPtr> load_p12(const std::filesystem::path& p12_file,
                              std::string_view passphrase = {});

}  // namespace flowscope::ca
