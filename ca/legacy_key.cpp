// EC_KEY and RSA are deprecated in OpenSSL 3, and this file exists to reach them: see the header.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "ca/legacy_key.hpp"

#include <openssl/ec.h>
#include <openssl/rsa.h>

#include "ca/openssl_error.hpp"

namespace flowscope::ca {

Result<EvpPkeyPtr> to_legacy_key(EVP_PKEY* key) {
  EvpPkeyPtr legacy(EVP_PKEY_new());
  if (!legacy) return fail("cannot allocate the leaf key" + openssl_suffix());
  if (EVP_PKEY_is_a(key, "EC")) {
    EC_KEY* ec = EVP_PKEY_get1_EC_KEY(key);
    if (!ec || EVP_PKEY_assign_EC_KEY(legacy.get(), ec) != 1) {
      EC_KEY_free(ec);
      return fail("cannot convert the EC leaf key" + openssl_suffix());
    }
    return legacy;
  }
  if (EVP_PKEY_is_a(key, "RSA")) {
    RSA* rsa = EVP_PKEY_get1_RSA(key);
    if (!rsa || EVP_PKEY_assign_RSA(legacy.get(), rsa) != 1) {
      RSA_free(rsa);
      return fail("cannot convert the RSA leaf key" + openssl_suffix());
    }
    return legacy;
  }
  return fail("leaf keys must be EC or RSA");
}

}  // namespace flowscope::ca
