#pragma once
// Key generation for the CA and for the per-process leaf key.
#include <optional>
#include <string_view>

#include "ca/openssl_ptr.hpp"
#include "core/result.hpp"

namespace flowscope::ca {

// EC P-256 is the default: small certificates and fast signatures. RSA-2048 is for clients
// that cannot handle EC (`--ca-key rsa`).
enum class KeyType { kEcP256, kRsa2048 };
using CaKeyType = KeyType;

Result<EvpPkeyPtr> generate_key(KeyType type);

// "ec" or "rsa", as the command line spells them.
std::string_view to_string(KeyType type);
std::optional<KeyType> parse_key_type(std::string_view text);

// True for RSA keys, whose TLS use needs keyEncipherment on top of digitalSignature.
bool is_rsa(const EVP_PKEY* key);

}  // namespace flowscope::ca
