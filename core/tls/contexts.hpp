#pragma once
// The two SSL_CTXs of an intercepting proxy: one to face clients with minted
// certificates, one to reach origins with verification.
#include <string>

#include "core/result.hpp"
#include "core/tls/openssl_ptr.hpp"

namespace flowscope::tls {

struct UpstreamTlsOptions {
  bool insecure = false;         // --insecure: do not verify origin certificates
  std::string extra_ca_file;     // --upstream-ca: trusted in addition to the system store
  std::string client_cert_file;  // --client-cert: PEM with certificate and key
};

// TLS 1.2 and 1.3; ALPN answers only http/1.1 (no ALPN at all for an h2-only
// client, which then speaks HTTP/1.1 or fails cleanly); small idle buffers.
Result<SslCtxPtr> make_client_facing_context();
// Verifies against the system store plus extra_ca_file; the handshake itself never
// aborts on a bad certificate so that the reason can be shown (see Endpoint users).
Result<SslCtxPtr> make_origin_facing_context(const UpstreamTlsOptions& options);

}  // namespace flowscope::tls
