#include "core/engine/interception_setup.hpp"

#include "ca/export.hpp"
#include "ca/home.hpp"
#include "ca/key.hpp"
#include "ca/leaf_cache.hpp"
#include "ca/leaf_minter.hpp"
#include "ca/leaf_request.hpp"

namespace flowscope::engine {

namespace {

// Leaves come from the shared, thread-safe LRU cache; a miss mints one.
class CaCertificateSource : public tls::CertificateSource {
 public:
  explicit CaCertificateSource(ca::LeafMinter minter) : cache_(std::move(minter)) {}

  Result<tls::LeafCertificate> leaf_for(const std::string& name, X509* upstream) override {
    auto leaf = cache_.get(ca::make_leaf_request(name, upstream));
    if (!leaf) return std::unexpected(leaf.error());
    const ca::LeafPtr& held = *leaf;
    return tls::LeafCertificate{held->cert(), held->key(), held};
  }

 private:
  ca::LeafCache cache_;
};

}  // namespace

Result<std::filesystem::path> resolve_home(const std::string& home) {
  if (!home.empty()) return std::filesystem::path(home);
  return ca::default_home();
}

Result<ca::LoadedCa> load_ca(const CaSettings& settings) {
  auto home = resolve_home(settings.home);
  if (!home) return std::unexpected(home.error());
  auto key_type = ca::parse_key_type(settings.key_type);
  if (!key_type) return fail("--ca-key " + settings.key_type + ": expected ec or rsa");
  ca::CaOptions options;
  options.key_type = *key_type;
  options.passphrase = settings.passphrase;
  return ca::load_or_create(*home, options);
}

Result<InterceptionSetup> set_up_interception(const CaSettings& settings) {
  auto loaded = load_ca(settings);
  if (!loaded) return std::unexpected(loaded.error());
  auto minter = ca::LeafMinter::create(loaded->authority);
  if (!minter) return std::unexpected(minter.error());
  auto downloads = std::make_shared<proxy::CaDownloads>();
  const ca::CertificateAuthority& authority = *loaded->authority;
  downloads->pem = ca::ca_cert_pem(authority);
  downloads->der = ca::ca_cert_der(authority);
  auto p12 = ca::ca_cert_p12(authority);
  if (p12) downloads->p12 = std::move(*p12);
  downloads->fingerprint_sha256 = ca::ca_fingerprint_sha256(authority);
  InterceptionSetup setup{std::move(*loaded),
                          std::make_shared<CaCertificateSource>(std::move(*minter)),
                          std::move(downloads)};
  return setup;
}

}  // namespace flowscope::engine
