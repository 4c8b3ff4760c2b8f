#pragma once
// Encoding and decoding of keys and certificates: PEM, DER and PKCS#12, all in memory.
// Byte strings are std::string so they go straight into files and HTTP bodies.
// Decoding errors describe the content only; callers add the file name.
#include <string>
#include <string_view>

#include "ca/openssl_ptr.hpp"
#include "core/result.hpp"

namespace flowscope::ca {

std::string cert_pem(X509* cert);
std::string cert_der(X509* cert);
// Unencrypted PKCS#8 PEM; the file it goes to is what protects it (mode 0600).
Result<std::string> key_pem(EVP_PKEY* key);

// PKCS#12 with OpenSSL 3's default algorithms (AES-256-CBC, PBKDF2, HMAC-SHA-256). `key` may
// be null for a certificate-only bundle. An empty passphrase is an empty password, which
// Windows and browsers accept for import.
Result<std::string> make_p12(EVP_PKEY* key, X509* cert, std::string_view passphrase,
                             std::string_view friendly_name);

// The DER encoding of a PKCS#12 structure built elsewhere (the Java trust store).
Result<std::string> p12_der(PKCS12* p12);

Result<X509Ptr> parse_cert_pem(std::string_view pem);
// An encrypted key needs `passphrase`; without one it fails instead of prompting on a terminal.
Result<EvpPkeyPtr> parse_key_pem(std::string_view pem, std::string_view passphrase);

struct KeyAndCert {
  EvpPkeyPtr key;
  X509Ptr cert;
};
Result<KeyAndCert> parse_p12(std::string_view der, std::string_view passphrase);

}  // namespace flowscope::ca
