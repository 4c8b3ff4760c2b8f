#pragma once
// The CA in memory: its private key, its certificate, and what every leaf needs from them.
// Immutable once built, so one instance is shared by all worker threads.
#include <ctime>
#include <memory>
#include <string_view>

#include "ca/ca_certificate.hpp"
#include "ca/key.hpp"
#include "ca/openssl_ptr.hpp"
#include "core/result.hpp"

namespace flowscope::ca {

class CertificateAuthority;
using AuthorityPtr = std::shared_ptr<const CertificateAuthority>;

class CertificateAuthority {
 public:
  // A new key and self-signed certificate, in memory only (ca_store.hpp writes them to disk).
  static Result<AuthorityPtr> generate(KeyType key_type = KeyType::kEcP256,
                                       const CaCertificateOptions& options = {});

  // Accepts `cert` only when it is a CA certificate (basicConstraints CA:TRUE, keyCertSign if
  // it has a keyUsage), has not expired, and `key` is its private key. `key_source` and
  // `cert_source` name where each came from (a file) so the error can say which to fix.
  static Result<AuthorityPtr> adopt(EvpPkeyPtr key, X509Ptr cert, std::string_view key_source,
                                    std::string_view cert_source);

  // OpenSSL takes non-const pointers; callers must not modify the objects (they are shared).
  X509* cert() const { return cert_.get(); }
  EVP_PKEY* key() const { return key_.get(); }
  // The one-element chain [CA certificate], shaped for SSL_use_cert_and_key.
  STACK_OF(X509) * chain() const { return chain_.get(); }
  // The certificate's subjectKeyIdentifier, or the RFC 5280 SHA-1 key hash when it has none;
  // leaves carry it as their authorityKeyIdentifier.
  const ASN1_OCTET_STRING* key_id() const { return key_id_.get(); }
  std::time_t not_after() const { return not_after_; }
  // What certificates this CA signs are hashed with (null for EdDSA keys), looked up once
  // because OpenSSL 3 answers that question slowly.
  const EVP_MD* digest() const { return digest_; }

 private:
  struct Parts;
  explicit CertificateAuthority(Parts parts);

  EvpPkeyPtr key_;
  X509Ptr cert_;
  X509StackPtr chain_;
  Asn1OctetStringPtr key_id_;
  std::time_t not_after_ = 0;
  const EVP_MD* digest_ = nullptr;
};

}  // namespace flowscope::ca
