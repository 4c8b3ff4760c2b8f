#pragma once
// The self-signed root certificate that the user trusts and that signs every leaf.
#include <ctime>
#include <string>

#include "ca/openssl_ptr.hpp"
#include "core/result.hpp"

namespace flowscope::ca {

// 825 days is the longest validity Apple platforms accept for a certificate that a TLS
// connection relies on, counted from notBefore (which is backdated two days).
inline constexpr int kMaxCaValidityDays = 825;

struct CaCertificateOptions {
  // Total validity from notBefore. Shorter values exist for tests of leaves near the CA's end.
  int validity_days = kMaxCaValidityDays;
  // Empty means default_ca_common_name(now).
  std::string common_name;
};

// Self-signed, SHA-256 (unless the key fixes its own digest), random serial, with
// basicConstraints critical CA:TRUE pathlen:0 (it signs only leaves), keyUsage critical
// keyCertSign+cRLSign and a subjectKeyIdentifier. Subject O is "flowscope".
Result<X509Ptr> make_ca_certificate(EVP_PKEY* key, const CaCertificateOptions& options = {});

// "flowscope CA (user@host, YYYY-MM-DD)", shortened to the 64 characters a CN may hold.
// Each install has its own CA, and the name tells the user's trust store entries apart.
std::string default_ca_common_name(std::time_t now);

}  // namespace flowscope::ca
