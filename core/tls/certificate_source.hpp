#pragma once
// Where the client-facing side gets its certificates. The CA (ca/) implements it;
// core only depends on this interface.
#include <openssl/x509.h>

#include <memory>
#include <string>

#include "core/result.hpp"

namespace flowscope::tls {

struct LeafCertificate {
  X509* cert = nullptr;
  EVP_PKEY* key = nullptr;
  std::shared_ptr<const void> owner;  // keeps cert and key alive
};

class CertificateSource {
 public:
  virtual ~CertificateSource() = default;
  // A leaf for `name` (a DNS name or an IP literal). `upstream` is the origin's
  // certificate when known, whose SANs and organisation the leaf copies.
  virtual Result<LeafCertificate> leaf_for(const std::string& name, X509* upstream) = 0;
};

}  // namespace flowscope::tls
