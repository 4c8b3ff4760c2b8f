#include "ca/ca_store.hpp"

#include "ca/codec.hpp"
#include "ca/home.hpp"
#include "ca/secure_file.hpp"

namespace flowscope::ca {

namespace {

namespace fs = std::filesystem;

constexpr mode_t kPrivateMode = 0600;
constexpr mode_t kPublicMode = 0644;
constexpr std::string_view kP12FriendlyName = "flowscope CA";

bool file_exists(const fs::path& path) {
  std::error_code error;
  return fs::exists(path, error);
}

// Writes whichever of the four files are missing. ca.p12 goes first and ca-key.pem last: a
// crash part way leaves either a complete ca.p12 to recover from, or nothing at all.
Result<void> write_missing_files(const CertificateAuthority& authority, const CaPaths& paths,
                                 const CaOptions& options) {
  if (!file_exists(paths.p12)) {
    auto p12 = make_p12(authority.key(), authority.cert(), options.passphrase, kP12FriendlyName);
    if (!p12) return std::unexpected(p12.error());
    if (auto ok = write_file_atomic(paths.p12, *p12, kPrivateMode); !ok) return ok;
  }
  if (!file_exists(paths.cert_der)) {
    if (auto ok = write_file_atomic(paths.cert_der, cert_der(authority.cert()), kPublicMode); !ok)
      return ok;
  }
  if (!file_exists(paths.cert_pem)) {
    if (auto ok = write_file_atomic(paths.cert_pem, cert_pem(authority.cert()), kPublicMode); !ok)
      return ok;
  }
  if (!file_exists(paths.key_pem)) {
    auto pem = key_pem(authority.key());
    if (!pem) return std::unexpected(pem.error());
    if (auto ok = write_file_atomic(paths.key_pem, *pem, kPrivateMode); !ok) return ok;
  }
  return {};
}

}  // namespace

CaPaths CaPaths::in(const fs::path& home) {
  return CaPaths{home, home / "ca-key.pem", home / "ca-cert.pem", home / "ca-cert.der",
                 home / "ca.p12"};
}

Result<AuthorityPtr> load_pem(const fs::path& key_file, const fs::path& cert_file,
                              std::string_view passphrase) {
  auto key_bytes = read_private_file(key_file);
  if (!key_bytes) return std::unexpected(key_bytes.error());
  auto key = parse_key_pem(*key_bytes, passphrase);
  if (!key)
    return fail("cannot load the CA key from " + key_file.string() + ": " + key.error().message);
  auto cert_bytes = read_file(cert_file);
  if (!cert_bytes) return std::unexpected(cert_bytes.error());
  auto cert = parse_cert_pem(*cert_bytes);
  if (!cert)
    return fail("cannot load the CA certificate from " + cert_file.string() + ": " +
                cert.error().message);
  return CertificateAuthority::adopt(std::move(*key), std::move(*cert), key_file.string(),
                                     cert_file.string());
}

Result<AuthorityPtr> load_p12(const fs::path& p12_file, std::string_view passphrase) {
  auto bytes = read_private_file(p12_file);
  if (!bytes) return std::unexpected(bytes.error());
  auto parts = parse_p12(*bytes, passphrase);
  if (!parts)
    return fail("cannot load the CA from " + p12_file.string() + ": " + parts.error().message);
  return CertificateAuthority::adopt(std::move(parts->key), std::move(parts->cert),
                                     p12_file.string(), p12_file.string());
}

Result<LoadedCa> load_or_create(const fs::path& home, const CaOptions& options) {
  if (auto ok = ensure_home_directory(home); !ok) return std::unexpected(ok.error());
  LoadedCa loaded{nullptr, CaPaths::in(home), false};
  const CaPaths& paths = loaded.paths;

  Result<AuthorityPtr> authority = nullptr;
  if (file_exists(paths.key_pem)) {
    // ca.p12 holds the same key, so a readable one leaks it just as well.
    if (file_exists(paths.p12)) {
      if (auto ok = require_private_mode(paths.p12); !ok) return std::unexpected(ok.error());
    }
    authority = load_pem(paths.key_pem, paths.cert_pem, options.passphrase);
  } else if (file_exists(paths.p12)) {
    authority = load_p12(paths.p12, options.passphrase);
  } else if (file_exists(paths.cert_pem)) {
    return fail(paths.cert_pem.string() + " exists but its key " + paths.key_pem.string() +
                " does not: restore the key, or delete " + paths.cert_pem.string() +
                " to create a new CA (and trust the new one)");
  } else {
    CaCertificateOptions certificate_options;
    certificate_options.validity_days = options.validity_days;
    authority = CertificateAuthority::generate(options.key_type, certificate_options);
    loaded.created = true;
  }
  if (!authority) return std::unexpected(authority.error());
  loaded.authority = std::move(*authority);

  if (auto ok = write_missing_files(*loaded.authority, paths, options); !ok)
    return std::unexpected(ok.error());
  return loaded;
}

}  // namespace flowscope::ca
