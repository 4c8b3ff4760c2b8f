#pragma once
// The leaf key in the form that keeps X509_set_pubkey cheap on OpenSSL 3.0.
//
// For a provider-native key, OpenSSL 3.0's X509_set_pubkey encodes the key with a freshly built
// OSSL_ENCODER context and decodes it back with a freshly built OSSL_DECODER context. Building
// those contexts walks every provider algorithm: measured at about three quarters of a leaf's
// minting time. For a key backed by the legacy method tables it calls the method's pub_encode
// instead, which costs a few microseconds. The leaf key goes into every leaf, so the minter
// holds it in that form; the same object signs TLS handshakes, exported once to the provider.
#include "ca/openssl_ptr.hpp"
#include "core/result.hpp"

namespace flowscope::ca {

// A legacy-method copy of an EC or RSA key (private part included). Other key types fail.
Result<EvpPkeyPtr> to_legacy_key(EVP_PKEY* key);

}  // namespace flowscope::ca
