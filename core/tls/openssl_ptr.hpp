#pragma once
// unique_ptr owners for OpenSSL objects used by core/tls.
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <memory>

namespace flowscope::tls {

struct SslCtxFree {
  void operator()(SSL_CTX* p) const { SSL_CTX_free(p); }
};
struct SslFree {
  void operator()(SSL* p) const { SSL_free(p); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;
using SslPtr = std::unique_ptr<SSL, SslFree>;

}  // namespace flowscope::tls
