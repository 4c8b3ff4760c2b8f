#pragma once
// Mints leaf certificates for the names a client connects to, signed by the CA.
#include <memory>
#include <vector>

#include "ca/authority.hpp"
#include "ca/key.hpp"
#include "ca/leaf.hpp"
#include "ca/leaf_request.hpp"
#include "core/result.hpp"

namespace flowscope::ca {

// Each leaf has:
//  * SAN: every name (DNS entries for DNS names, IP entries for IP literals), primary first;
//  * subject: CN = the primary name when it is shorter than 64 characters, and O when the
//    request has one (with neither, the subject is empty and the SAN is critical);
//  * notBefore = now − 2 days; notAfter = 397 days after notBefore (≤ now + 395 days, so the
//    whole validity stays within the 398 days Apple allows), cut at the CA's notAfter;
//  * a random positive 128-bit serial; SHA-256 (unless the CA key fixes its digest);
//  * basicConstraints critical CA:FALSE, keyUsage critical digitalSignature (+keyEncipherment
//    for an RSA leaf key), EKU serverAuth, AKI = the CA's key id, SKI = hash of the leaf key.
//
// All leaves share one key, generated when the minter is created and distinct from the CA key,
// so the CA key only signs. It is held in legacy form (legacy_key.hpp), which makes putting it
// in a certificate cheap on OpenSSL 3.0. What does not depend on the names (every extension but
// the SAN, the CA's digest) is prepared once. mint() is const and thread-safe.
class LeafMinter {
 public:
  static Result<LeafMinter> create(AuthorityPtr authority,
                                   KeyType leaf_key_type = KeyType::kEcP256);

  Result<LeafPtr> mint(const LeafRequest& request) const;
  // `names` must come from canonicalize(), which checked them; the cache calls this after
  // using the canonical form as its key.
  Result<LeafPtr> mint(const LeafNames& names) const;

  const CertificateAuthority& authority() const { return *authority_; }
  EVP_PKEY* leaf_key() const { return leaf_key_.get(); }

 private:
  LeafMinter() = default;

  AuthorityPtr authority_;
  EvpPkeyPtr leaf_key_;
  std::vector<X509ExtensionPtr> fixed_extensions_;
};

}  // namespace flowscope::ca
