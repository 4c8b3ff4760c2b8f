// The HTTPS proxy (a client speaking TLS to the proxy itself): which name its leaf
// is minted for. A ClientHello without SNI (curl sends none for --proxy
// https://127.0.0.1:PORT) gets a leaf for the address the client connected to, not
// for a wildcard listen address no client can dial.
#include <gtest/gtest.h>

#include "core/tls/contexts.hpp"
#include "session_harness.hpp"
#include "tests/unit/tls/self_signed.hpp"

namespace flowscope::proxy::testing {
namespace {

// Remembers the names it is asked for; mints a self-signed certificate for each.
class NameRecorder : public tls::CertificateSource {
 public:
  Result<tls::LeafCertificate> leaf_for(const std::string& name, X509*) override {
    names.push_back(name);
    auto identity = std::make_shared<tls::testing::SelfSigned>(tls::testing::make_self_signed(name));
    return tls::LeafCertificate{identity->cert.get(), identity->key.get(), identity};
  }
  std::vector<std::string> names;
};

class SessionHttpsProxy : public ::testing::Test {
 protected:
  void SetUp() override {
    client_facing_ = std::move(*tls::make_client_facing_context());
    origin_facing_ = std::move(*tls::make_origin_facing_context({}));
    interception_ = Interception{client_facing_.get(), origin_facing_.get(), &certificates_, false};
    client_ctx_.reset(SSL_CTX_new(TLS_client_method()));
  }

  // A client's ClientHello to the proxy: with SNI `host`, or none when it is an IP.
  std::string hello_for(const std::string& host) {
    auto client = tls::Endpoint::client(client_ctx_.get(), host, false);
    client->start();
    return client->take_ciphertext();
  }

  // The names the proxy minted for, after `hello` from a client that reached
  // `local_ip` of a proxy listening on `listen_host`.
  std::vector<std::string> minted(const std::string& listen_host, const std::string& local_ip,
                                  const std::string& hello) {
    Config config;
    config.listen_host = listen_host;
    SessionOptions options;
    options.local_ip = local_ip;
    SessionHarness h(config, &interception_, nullptr, "127.0.0.1:50000", std::move(options));
    h.client(hello);
    EXPECT_FALSE(h.take_client_bytes().empty()) << "the proxy answers the ClientHello";
    return std::exchange(certificates_.names, {});
  }

  tls::SslCtxPtr client_facing_;
  tls::SslCtxPtr origin_facing_;
  tls::SslCtxPtr client_ctx_;
  NameRecorder certificates_;
  Interception interception_;
};

TEST_F(SessionHttpsProxy, NoSniOnAWildcardListenerNamesTheAddressTheClientReached) {
  const std::string hello = hello_for("127.0.0.1");
  EXPECT_EQ(minted("0.0.0.0", "127.0.0.1", hello), std::vector<std::string>{"127.0.0.1"});
  EXPECT_EQ(minted("::", "::1", hello), std::vector<std::string>{"::1"});
}

TEST_F(SessionHttpsProxy, NoSniAndNoLocalAddressFallsBackToTheListenAddress) {
  EXPECT_EQ(minted("127.0.0.1", "", hello_for("127.0.0.1")), std::vector<std::string>{"127.0.0.1"});
}

TEST_F(SessionHttpsProxy, AnSniWins) {
  EXPECT_EQ(minted("0.0.0.0", "127.0.0.1", hello_for("proxy.test")), std::vector<std::string>{"proxy.test"});
}

}  // namespace
}  // namespace flowscope::proxy::testing
