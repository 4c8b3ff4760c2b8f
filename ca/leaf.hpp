#pragma once
// A minted leaf certificate with what a TLS server endpoint needs to present it.
#include <memory>
#include <string>

#include "ca/authority.hpp"
#include "ca/openssl_ptr.hpp"

namespace flowscope::ca {

// Immutable and shared: the cache and any number of connections hold it through
// std::shared_ptr<const Leaf>. The pointers stay valid for the Leaf's lifetime. OpenSSL
// setters such as SSL_use_certificate take their own reference, so an SSL may outlive it.
//
//   SSL_use_cert_and_key(ssl, leaf->cert(), leaf->key(), leaf->chain(), 1);
class Leaf {
 public:
  Leaf(X509Ptr cert, EvpPkeyPtr key, AuthorityPtr issuer, std::string cache_key)
      : cert_(std::move(cert)),
        key_(std::move(key)),
        issuer_(std::move(issuer)),
        cache_key_(std::move(cache_key)) {}

  X509* cert() const { return cert_.get(); }
  // The process-wide leaf key: the same object for every leaf of one LeafMinter.
  EVP_PKEY* key() const { return key_.get(); }
  // The CA certificate, for SSL_add1_chain_cert.
  X509* issuer_cert() const { return issuer_->cert(); }
  // [CA certificate], for SSL_use_cert_and_key or SSL_set1_chain.
  STACK_OF(X509) * chain() const { return issuer_->chain(); }
  const std::string& cache_key() const { return cache_key_; }

 private:
  X509Ptr cert_;
  EvpPkeyPtr key_;
  AuthorityPtr issuer_;  // keeps the CA certificate (and chain) alive as long as the leaf
  std::string cache_key_;
};

using LeafPtr = std::shared_ptr<const Leaf>;

}  // namespace flowscope::ca
