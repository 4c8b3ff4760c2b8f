#include "ca/key.hpp"

#include "ca/openssl_error.hpp"

namespace flowscope::ca {

Result<EvpPkeyPtr> generate_key(KeyType type) {
  EvpPkeyPtr key(type == KeyType::kRsa2048 ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256"));
  if (!key)
    return fail("cannot generate a " + std::string(to_string(type)) + " key" + openssl_suffix());
  return key;
}

std::string_view to_string(KeyType type) {
  return type == KeyType::kRsa2048 ? "rsa" : "ec";
}

std::optional<KeyType> parse_key_type(std::string_view text) {
  if (text == "ec" || text == "ecdsa" || text == "p256") return KeyType::kEcP256;
  if (text == "rsa" || text == "rsa2048") return KeyType::kRsa2048;
  return std::nullopt;
}

bool is_rsa(const EVP_PKEY* key) {
  return EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "RSA-PSS");
}

}  // namespace flowscope::ca
