#pragma once
// What a Session needs to intercept CONNECT tunnels. Absent (nullptr) when no CA
// is configured: every tunnel is then blind.
#include <openssl/ssl.h>

#include "core/tls/certificate_source.hpp"

namespace flowscope::proxy {

struct Interception {
  SSL_CTX* client_facing = nullptr;  // presents minted leaves
  SSL_CTX* origin_facing = nullptr;  // verifies origins
  tls::CertificateSource* certificates = nullptr;
  bool insecure = false;  // --insecure: origin certificates are not verified
};

}  // namespace flowscope::proxy
