// Two tls::Endpoints talk to each other in memory: no sockets.
#include "core/tls/endpoint.hpp"

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include "core/tls/client_hello.hpp"
#include "core/tls/contexts.hpp"
#include "self_signed.hpp"

namespace flowscope::tls {
namespace {

class EndpointPair : public ::testing::Test {
 protected:
  void SetUp() override {
    identity_ = testing::make_self_signed("origin.test");
    server_ctx_ = std::move(*make_client_facing_context());
    client_ctx_ = std::move(*make_origin_facing_context({}));
    // Trust the test certificate the way --upstream-ca would.
    X509_STORE_add_cert(SSL_CTX_get_cert_store(client_ctx_.get()), identity_.cert.get());
  }

  void connect(const std::string& host = "origin.test", SSL_CTX* client_ctx = nullptr) {
    server_.emplace(std::move(*Endpoint::server(server_ctx_.get(), identity_.cert.get(), identity_.key.get())));
    client_.emplace(std::move(*Endpoint::client(client_ctx ? client_ctx : client_ctx_.get(), host, true)));
    client_->start();
    pump();
  }

  // Moves ciphertext both ways until neither side has anything to say.
  void pump() {
    for (int i = 0; i < 20 && (client_->has_ciphertext() || server_->has_ciphertext()); ++i) {
      server_->receive(client_->take_ciphertext());
      client_->receive(server_->take_ciphertext());
    }
  }

  testing::SelfSigned identity_;
  SslCtxPtr server_ctx_;
  SslCtxPtr client_ctx_;
  std::optional<Endpoint> server_;
  std::optional<Endpoint> client_;
};

TEST_F(EndpointPair, HandshakeAndDataBothWays) {
  connect();
  ASSERT_EQ(server_->state(), EndpointState::kEstablished) << server_->error();
  ASSERT_EQ(client_->state(), EndpointState::kEstablished) << client_->error();
  EXPECT_EQ(SSL_get_verify_result(client_->ssl()), X509_V_OK);
  EXPECT_EQ(client_->info().alpn, "http/1.1");
  EXPECT_EQ(client_->info().version, "TLSv1.3");

  client_->send("GET / HTTP/1.1\r\n\r\n");
  pump();
  EXPECT_EQ(server_->take_plaintext(), "GET / HTTP/1.1\r\n\r\n");
  std::string big(100000, 'x');
  server_->send(big);
  pump();
  EXPECT_EQ(client_->take_plaintext(), big);
}

TEST_F(EndpointPair, DataQueuedBeforeTheHandshakeIsSentAfterIt) {
  server_.emplace(std::move(*Endpoint::server(server_ctx_.get(), identity_.cert.get(), identity_.key.get())));
  client_.emplace(std::move(*Endpoint::client(client_ctx_.get(), "origin.test", true)));
  client_->send("early");
  client_->start();
  pump();
  EXPECT_EQ(server_->take_plaintext(), "early");
}

TEST_F(EndpointPair, CloseNotifyEndsTheStream) {
  connect();
  client_->close();
  pump();
  EXPECT_EQ(server_->state(), EndpointState::kClosed);
}

TEST_F(EndpointPair, MissingCloseNotifyIsAnEof) {
  connect();
  client_->send("last words");
  server_->receive(client_->take_ciphertext());
  server_->receive_eof();
  EXPECT_EQ(server_->state(), EndpointState::kClosed) << server_->error();
  EXPECT_EQ(server_->take_plaintext(), "last words");
}

TEST_F(EndpointPair, WrongHostnameFailsVerificationButCompletesTheHandshake) {
  connect("other.test");
  ASSERT_EQ(client_->state(), EndpointState::kEstablished);
  EXPECT_EQ(SSL_get_verify_result(client_->ssl()), X509_V_ERR_HOSTNAME_MISMATCH);
}

TEST_F(EndpointPair, ClientThatRejectsTheCertificateSendsAnAlert) {
  SslCtxPtr strict(SSL_CTX_new(TLS_client_method()));
  SSL_CTX_set_verify(strict.get(), SSL_VERIFY_PEER, nullptr);  // trusts nothing
  connect("origin.test", strict.get());
  EXPECT_EQ(client_->state(), EndpointState::kFailed);
  EXPECT_EQ(server_->state(), EndpointState::kFailed);
  EXPECT_TRUE(server_->peer_rejected_handshake()) << server_->error();
  EXPECT_NE(server_->error().find("unknown ca"), std::string::npos) << server_->error();
}

TEST_F(EndpointPair, GarbageFailsTheHandshake) {
  server_.emplace(std::move(*Endpoint::server(server_ctx_.get(), identity_.cert.get(), identity_.key.get())));
  server_->receive(std::string("\x16\x03\x01\x00\x05hello", 10));
  EXPECT_EQ(server_->state(), EndpointState::kFailed);
  EXPECT_FALSE(server_->error().empty());
}

TEST_F(EndpointPair, Http2OnlyClientGetsNoAlpnRatherThanAHang) {
  SslCtxPtr h2(SSL_CTX_new(TLS_client_method()));
  static const unsigned char kH2[] = {2, 'h', '2'};
  SSL_CTX_set_alpn_protos(h2.get(), kH2, sizeof kH2);
  connect("origin.test", h2.get());
  ASSERT_EQ(server_->state(), EndpointState::kEstablished) << server_->error();
  EXPECT_EQ(client_->info().alpn, "");
}

TEST_F(EndpointPair, SniffReadsSniAndAlpnFromARealClientHello) {
  client_.emplace(std::move(*Endpoint::client(client_ctx_.get(), "origin.test", true)));
  client_->start();
  const std::string hello = client_->take_ciphertext();
  for (std::size_t cut = 0; cut < hello.size(); cut += 37) {
    EXPECT_EQ(sniff(std::string_view(hello).substr(0, cut)).kind, Sniffed::kNeedMore) << cut;
  }
  SniffResult result = sniff(hello);
  ASSERT_EQ(result.kind, Sniffed::kTls);
  EXPECT_EQ(result.hello.sni, "origin.test");
  ASSERT_EQ(result.hello.alpn.size(), 1u);
  EXPECT_EQ(result.hello.alpn[0], "http/1.1");
}

TEST(Sniff, TellsHttpFromOtherProtocols) {
  EXPECT_EQ(sniff("GET / HTTP/1.1\r\n").kind, Sniffed::kHttp);
  EXPECT_EQ(sniff("PO").kind, Sniffed::kNeedMore);
  EXPECT_EQ(sniff("SSH-2.0-OpenSSH").kind, Sniffed::kOther);
  EXPECT_EQ(sniff(std::string("\x16\x03\x01\x00\x05\x02\x00\x00\x01\x00", 10)).kind, Sniffed::kOther);
  EXPECT_EQ(sniff("").kind, Sniffed::kNeedMore);
}

}  // namespace
}  // namespace flowscope::tls
