#include "ca/export.hpp"

#include <gtest/gtest.h>
#include <openssl/pem.h>

#include "ca/codec.hpp"
#include "tests/unit/ca/ca_test_support.hpp"

namespace flowscope::ca {
namespace {

using testing::expect_clean_error_queue;

AuthorityPtr test_ca() {
  static const AuthorityPtr authority = *CertificateAuthority::generate();
  return authority;
}

TEST(CaExport, PemAndDerHoldTheCaCertificate) {
  const CertificateAuthority& authority = *test_ca();
  const std::string pem = ca_cert_pem(authority);
  EXPECT_TRUE(pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
  auto from_pem = parse_cert_pem(pem);
  ASSERT_TRUE(from_pem);
  EXPECT_EQ(X509_cmp(from_pem->get(), authority.cert()), 0);

  const std::string der = ca_cert_der(authority);
  const auto* bytes = reinterpret_cast<const unsigned char*>(der.data());
  X509Ptr from_der(d2i_X509(nullptr, &bytes, static_cast<long>(der.size())));
  ASSERT_TRUE(from_der);
  EXPECT_EQ(X509_cmp(from_der.get(), authority.cert()), 0);
  EXPECT_EQ(*export_ca_cert(authority, ExportFormat::kDer), der);
  EXPECT_EQ(*export_ca_cert(authority, ExportFormat::kPem), pem);
}

TEST(CaExport, P12HoldsTheCertificateButNeverTheKey) {
  const CertificateAuthority& authority = *test_ca();
  for (std::string passphrase : {"", "export pass"}) {
    auto p12 = export_ca_cert(authority, ExportFormat::kP12, passphrase);
    ASSERT_TRUE(p12) << p12.error().message;
    const auto* bytes = reinterpret_cast<const unsigned char*>(p12->data());
    Pkcs12Ptr parsed(d2i_PKCS12(nullptr, &bytes, static_cast<long>(p12->size())));
    ASSERT_TRUE(parsed);
    EVP_PKEY* key = nullptr;
    X509* cert = nullptr;
    STACK_OF(X509)* extra = nullptr;
    ASSERT_EQ(PKCS12_parse(parsed.get(), passphrase.c_str(), &key, &cert, &extra), 1);
    EvpPkeyPtr key_owner(key);
    X509Ptr cert_owner(cert);
    X509StackPtr extra_owner(extra);
    EXPECT_EQ(key, nullptr);
    // A bundle without a key keeps its certificate among the "extra" ones.
    X509* found =
        cert ? cert : (extra && sk_X509_num(extra) > 0 ? sk_X509_value(extra, 0) : nullptr);
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(X509_cmp(found, authority.cert()), 0);
  }
  expect_clean_error_queue();
}

TEST(CaExport, FingerprintIsColonSeparatedSha256) {
  const CertificateAuthority& authority = *test_ca();
  const std::string fingerprint = ca_fingerprint_sha256(authority);
  ASSERT_EQ(fingerprint.size(), 32u * 3 - 1);
  unsigned char digest[32];
  unsigned int length = 0;
  ASSERT_EQ(X509_digest(authority.cert(), EVP_sha256(), digest, &length), 1);
  char first[3];
  std::snprintf(first, sizeof first, "%02X", digest[0]);
  EXPECT_EQ(fingerprint.substr(0, 3), std::string(first) + ":");
  for (std::size_t i = 2; i < fingerprint.size(); i += 3) EXPECT_EQ(fingerprint[i], ':');
}

TEST(CaExport, FormatNamesAndContentTypes) {
  EXPECT_EQ(parse_export_format("pem"), ExportFormat::kPem);
  EXPECT_EQ(parse_export_format("der"), ExportFormat::kDer);
  EXPECT_EQ(parse_export_format("p12"), ExportFormat::kP12);
  EXPECT_EQ(parse_export_format("zip"), std::nullopt);
  EXPECT_EQ(content_type(ExportFormat::kDer), "application/x-x509-ca-cert");
  EXPECT_EQ(content_type(ExportFormat::kP12), "application/x-pkcs12");
  EXPECT_EQ(export_file_name(ExportFormat::kPem), "flowscope-ca-cert.pem");
}

}  // namespace
}  // namespace flowscope::ca
