#pragma once
// A PKCS#12 file that Java's KeyStore reads as a trust store, so that `flowscope record`
// can hand a JVM (-Djavax.net.ssl.trustStore) the system roots plus flowscope's CA.
//
// Java treats a certificate in a PKCS#12 file as a trust anchor only when its bag carries
// Oracle's "trusted key usage" attribute (OID 2.16.840.1.113894.746875.1.1) — what keytool
// writes for -importcert, and what OpenSSL 3.2 calls `pkcs12 -jdktrust`. Debian 12 has
// OpenSSL 3.0, which neither knows the OID by name nor can add it through PKCS12_create,
// so the file is assembled bag by bag here.
#include <string>
#include <string_view>
#include <vector>

#include "ca/openssl_ptr.hpp"
#include "core/result.hpp"

namespace flowscope::ca {

// Oracle's trusted-key-usage attribute, and the usage written into it: anyExtendedKeyUsage,
// i.e. trusted for every purpose, as keytool marks imported certificates.
inline constexpr const char* kJdkTrustedKeyUsageOid = "2.16.840.1.113894.746875.1.1";
inline constexpr const char* kAnyExtendedKeyUsageOid = "2.5.29.37.0";

struct TrustAnchor {
  std::string alias;  // Java's alias (the bag's friendlyName); unique within one store
  X509Ptr cert;
};

// The DER of a PKCS#12 holding each anchor as a certificate bag with its friendlyName and
// the trusted-key-usage attribute, unencrypted (certificates are public) and with an
// HMAC-SHA-256 integrity MAC under `password`, which Java checks when the password is given.
Result<std::string> java_trust_store_p12(const std::vector<TrustAnchor>& anchors,
                                         std::string_view password);

// Every certificate in a PEM bundle such as /etc/ssl/certs/ca-certificates.crt, in order.
// Text outside the BEGIN/END blocks is skipped; a malformed block is an error.
Result<std::vector<X509Ptr>> parse_cert_bundle_pem(std::string_view pem);

}  // namespace flowscope::ca
