// Leaves in real TLS handshakes (in memory, over a BIO pair): the server picks the leaf for
// the SNI from the ClientHello callback, the client verifies it against the CA with a
// hostname check. This is the way the TLS endpoint uses the cache.
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <thread>

#include "ca/leaf_cache.hpp"
#include "tests/unit/ca/ca_test_support.hpp"

namespace flowscope::ca {
namespace {

using SslCtxPtr = std::unique_ptr<SSL_CTX, OpensslDeleter<SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, OpensslDeleter<SSL_free>>;

// The host_name from a ClientHello's server_name extension (RFC 6066 §3), or "".
std::string client_hello_sni(SSL* ssl) {
  const unsigned char* data = nullptr;
  size_t size = 0;
  if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_server_name, &data, &size) != 1 || size < 5)
    return {};
  const size_t list = (size_t{data[0]} << 8) | data[1];
  if (list + 2 != size || data[2] != TLSEXT_NAMETYPE_host_name) return {};
  const size_t length = (size_t{data[3]} << 8) | data[4];
  if (length + 5 > size) return {};
  return std::string(reinterpret_cast<const char*>(data + 5), length);
}

int select_leaf(SSL* ssl, int* alert, void* arg) {
  auto* cache = static_cast<LeafCache*>(arg);
  auto leaf = cache->get(client_hello_sni(ssl));
  if (!leaf ||
      SSL_use_cert_and_key(ssl, (*leaf)->cert(), (*leaf)->key(), (*leaf)->chain(), 1) != 1) {
    *alert = SSL_AD_INTERNAL_ERROR;
    return SSL_CLIENT_HELLO_ERROR;
  }
  return SSL_CLIENT_HELLO_SUCCESS;
}

struct Outcome {
  bool done = false;
  long verify = -1;
  std::string error;
};

// One handshake: drives both ends until each finishes or one fails.
Outcome handshake(SSL_CTX* server_ctx, SSL_CTX* client_ctx, const std::string& host) {
  SslPtr server(SSL_new(server_ctx));
  SslPtr client(SSL_new(client_ctx));
  BIO* server_bio = nullptr;
  BIO* client_bio = nullptr;
  BIO_new_bio_pair(&server_bio, 0, &client_bio, 0);
  SSL_set_bio(server.get(), server_bio, server_bio);
  SSL_set_bio(client.get(), client_bio, client_bio);
  SSL_set_accept_state(server.get());
  SSL_set_connect_state(client.get());
  SSL_set_tlsext_host_name(client.get(), host.c_str());
  SSL_set1_host(client.get(), host.c_str());

  Outcome outcome;
  bool server_done = false;
  bool client_done = false;
  for (int round = 0; round < 20 && !(server_done && client_done); ++round) {
    for (auto [ssl, done] : {std::pair{client.get(), &client_done}, {server.get(), &server_done}}) {
      if (*done) continue;
      const int result = SSL_do_handshake(ssl);
      if (result == 1) {
        *done = true;
      } else if (SSL_get_error(ssl, result) != SSL_ERROR_WANT_READ) {
        outcome.error = ERR_reason_error_string(ERR_peek_error())
                            ? ERR_reason_error_string(ERR_peek_error())
                            : "handshake failed";
        ERR_clear_error();
        return outcome;
      }
    }
  }
  outcome.done = server_done && client_done;
  outcome.verify = SSL_get_verify_result(client.get());
  return outcome;
}

struct Contexts {
  SslCtxPtr server;
  SslCtxPtr client;
};

Contexts make_contexts(LeafCache& cache, const CertificateAuthority& authority, int max_version) {
  Contexts out{SslCtxPtr(SSL_CTX_new(TLS_server_method())),
               SslCtxPtr(SSL_CTX_new(TLS_client_method()))};
  SSL_CTX_set_client_hello_cb(out.server.get(), select_leaf, &cache);
  SSL_CTX_set_max_proto_version(out.server.get(), max_version);
  SSL_CTX_set_verify(out.client.get(), SSL_VERIFY_PEER, nullptr);
  X509_STORE_add_cert(SSL_CTX_get_cert_store(out.client.get()), authority.cert());
  return out;
}

class LeafTls : public ::testing::TestWithParam<std::pair<KeyType, int>> {};

TEST_P(LeafTls, ClientVerifiesTheMintedLeaf) {
  const auto [leaf_key, version] = GetParam();
  auto authority = CertificateAuthority::generate();
  ASSERT_TRUE(authority);
  LeafCache cache(*LeafMinter::create(*authority, leaf_key));
  Contexts contexts = make_contexts(cache, **authority, version);

  Outcome ok = handshake(contexts.server.get(), contexts.client.get(), "www.example.test");
  EXPECT_TRUE(ok.done) << ok.error;
  EXPECT_EQ(ok.verify, X509_V_OK) << X509_verify_cert_error_string(ok.verify);
  Outcome again = handshake(contexts.server.get(), contexts.client.get(), "www.example.test");
  EXPECT_TRUE(again.done) << again.error;
  EXPECT_EQ(cache.stats().hits, 1u);

  // A client that does not trust this CA refuses the leaf.
  auto other = CertificateAuthority::generate();
  Contexts untrusting = make_contexts(cache, **other, version);
  Outcome refused = handshake(contexts.server.get(), untrusting.client.get(), "www.example.test");
  EXPECT_FALSE(refused.done);
  ERR_clear_error();
}

INSTANTIATE_TEST_SUITE_P(KeysAndVersions, LeafTls,
                         ::testing::Values(std::pair{KeyType::kEcP256, TLS1_3_VERSION},
                                           std::pair{KeyType::kEcP256, TLS1_2_VERSION},
                                           std::pair{KeyType::kRsa2048, TLS1_3_VERSION},
                                           std::pair{KeyType::kRsa2048, TLS1_2_VERSION}));

TEST(LeafTlsConcurrent, FourThreadsHandshakeWithSharedLeaves) {
  auto authority = CertificateAuthority::generate();
  ASSERT_TRUE(authority);
  LeafCache cache(*LeafMinter::create(*authority), 4);
  Contexts contexts = make_contexts(cache, **authority, TLS1_3_VERSION);
  std::atomic<int> failures = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 12; ++i) {
        const std::string host = "h" + std::to_string((i + t) % 6) + ".example.test";
        Outcome outcome = handshake(contexts.server.get(), contexts.client.get(), host);
        if (!outcome.done || outcome.verify != X509_V_OK) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace flowscope::ca
