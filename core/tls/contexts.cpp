#include "core/tls/contexts.hpp"

#include <openssl/err.h>

#include <cstring>

#include "core/tls/endpoint.hpp"

namespace flowscope::tls {

namespace {

constexpr unsigned char kHttp11Alpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};

int select_http11(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in, unsigned inlen,
                  void*) {
  for (unsigned i = 0; i < inlen; i += 1u + in[i]) {
    if (in[i] == 8 && i + 9 <= inlen && std::memcmp(in + i + 1, "http/1.1", 8) == 0) {
      *out = in + i + 1;
      *outlen = 8;
      return SSL_TLSEXT_ERR_OK;
    }
  }
  return SSL_TLSEXT_ERR_NOACK;
}

}  // namespace

Result<SslCtxPtr> make_client_facing_context() {
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) return fail("cannot create the client-facing TLS context: " + drain_error_queue());
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_alpn_select_cb(ctx.get(), &select_http11, nullptr);
  // Every leaf is minted for this process; resumption across processes is pointless.
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_SERVER);
  return ctx;
}

Result<SslCtxPtr> make_origin_facing_context(const UpstreamTlsOptions& options) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) return fail("cannot create the origin-facing TLS context: " + drain_error_queue());
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_alpn_protos(ctx.get(), kHttp11Alpn, sizeof kHttp11Alpn);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);  // checked after the handshake
  if (SSL_CTX_set_default_verify_paths(ctx.get()) != 1) {
    return fail("cannot load the system trust store: " + drain_error_queue());
  }
  if (!options.extra_ca_file.empty() &&
      SSL_CTX_load_verify_locations(ctx.get(), options.extra_ca_file.c_str(), nullptr) != 1) {
    return fail("--upstream-ca " + options.extra_ca_file + ": cannot load it as PEM certificates: " +
                drain_error_queue());
  }
  if (!options.client_cert_file.empty()) {
    const char* file = options.client_cert_file.c_str();
    if (SSL_CTX_use_certificate_chain_file(ctx.get(), file) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx.get(), file, SSL_FILETYPE_PEM) != 1) {
      return fail("--client-cert " + options.client_cert_file +
                  ": needs a PEM file with the certificate and its private key: " + drain_error_queue());
    }
  }
  return ctx;
}

}  // namespace flowscope::tls
