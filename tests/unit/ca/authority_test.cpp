#include "ca/authority.hpp"

#include <gtest/gtest.h>

#include <regex>

#include "ca/ca_certificate.hpp"
#include "tests/unit/ca/ca_test_support.hpp"

namespace flowscope::ca {
namespace {

using testing::expect_clean_error_queue;
using testing::is_critical;
using testing::serial_of;
using testing::subject_entry;
using testing::time_of;

constexpr std::time_t kDay = 24 * 60 * 60;

TEST(Authority, CaCertificateHasTheSpecifiedSubjectAndExtensions) {
  auto authority = CertificateAuthority::generate();
  ASSERT_TRUE(authority) << authority.error().message;
  X509* cert = (*authority)->cert();

  const std::string cn = subject_entry(cert, NID_commonName);
  EXPECT_TRUE(std::regex_match(cn, std::regex(R"(flowscope CA \(.+@.+, \d{4}-\d{2}-\d{2}\))")))
      << cn;
  EXPECT_EQ(subject_entry(cert, NID_organizationName), "flowscope");
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(cert), X509_get_issuer_name(cert)), 0);
  EXPECT_EQ(X509_get_version(cert), X509_VERSION_3);

  EXPECT_EQ(X509_check_ca(cert), 1);
  EXPECT_TRUE(is_critical(cert, NID_basic_constraints));
  EXPECT_TRUE(is_critical(cert, NID_key_usage));
  EXPECT_EQ(X509_get_key_usage(cert), static_cast<uint32_t>(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
  ASSERT_NE(X509_get0_subject_key_id(cert), nullptr);
  EXPECT_EQ(ASN1_STRING_length(X509_get0_subject_key_id(cert)), 20);
  EXPECT_EQ(ASN1_OCTET_STRING_cmp(X509_get0_subject_key_id(cert), (*authority)->key_id()), 0);

  EXPECT_EQ(X509_get_signature_nid(cert), NID_ecdsa_with_SHA256);
  EXPECT_EQ(X509_verify(cert, (*authority)->key()), 1);
  EXPECT_TRUE(EVP_PKEY_is_a((*authority)->key(), "EC"));
  EXPECT_EQ(sk_X509_num((*authority)->chain()), 1);
  expect_clean_error_queue();
}

TEST(Authority, ValidityIsBackdatedAndAtMost825Days) {
  const std::time_t now = std::time(nullptr);
  auto authority = CertificateAuthority::generate();
  ASSERT_TRUE(authority);
  X509* cert = (*authority)->cert();
  const std::time_t not_before = time_of(X509_get0_notBefore(cert));
  const std::time_t not_after = time_of(X509_get0_notAfter(cert));
  EXPECT_NEAR(static_cast<double>(not_before), static_cast<double>(now - 2 * kDay), 60);
  EXPECT_EQ(not_after - not_before, 825 * kDay);
  EXPECT_EQ((*authority)->not_after(), not_after);
}

TEST(Authority, SerialIsRandomPositiveAndAtMost128Bits) {
  auto a = CertificateAuthority::generate();
  auto b = CertificateAuthority::generate();
  ASSERT_TRUE(a && b);
  BignumPtr serial_a = serial_of((*a)->cert());
  BignumPtr serial_b = serial_of((*b)->cert());
  EXPECT_FALSE(BN_is_zero(serial_a.get()));
  EXPECT_FALSE(BN_is_negative(serial_a.get()));
  EXPECT_LE(BN_num_bits(serial_a.get()), 128);
  EXPECT_NE(BN_cmp(serial_a.get(), serial_b.get()), 0);
}

TEST(Authority, RsaCa) {
  auto authority = CertificateAuthority::generate(KeyType::kRsa2048);
  ASSERT_TRUE(authority) << authority.error().message;
  EXPECT_TRUE(EVP_PKEY_is_a((*authority)->key(), "RSA"));
  EXPECT_EQ(EVP_PKEY_get_bits((*authority)->key()), 2048);
  EXPECT_EQ(X509_get_signature_nid((*authority)->cert()), NID_sha256WithRSAEncryption);
  EXPECT_EQ(X509_verify((*authority)->cert(), (*authority)->key()), 1);
}

TEST(Authority, ValidityOutsideTheAllowedRangeIsRefused) {
  for (int days : {0, 2, 826}) {
    auto authority = CertificateAuthority::generate(KeyType::kEcP256, {days, ""});
    EXPECT_FALSE(authority) << days;
  }
  EXPECT_TRUE(CertificateAuthority::generate(KeyType::kEcP256, {30, ""}));
}

TEST(Authority, CommonNameFitsIn64Characters) {
  const char* saved = std::getenv("USER");
  const std::string saved_value = saved ? saved : "";
  ::setenv("USER", std::string(100, 'u').c_str(), 1);
  const std::string cn = default_ca_common_name(std::time(nullptr));
  if (saved)
    ::setenv("USER", saved_value.c_str(), 1);
  else
    ::unsetenv("USER");
  EXPECT_EQ(cn.size(), 64u) << cn;
  EXPECT_TRUE(cn.starts_with("flowscope CA (uuu")) << cn;
  EXPECT_TRUE(std::regex_search(cn, std::regex(R"(, \d{4}-\d{2}-\d{2}\)$)"))) << cn;
}

TEST(Authority, AnExpiredCaIsRefused) {
  auto key = generate_key(KeyType::kEcP256);
  ASSERT_TRUE(key);
  auto cert = make_ca_certificate(key->get(), {30, ""});
  ASSERT_TRUE(cert);
  ASN1_TIME_set(X509_getm_notAfter(cert->get()), std::time(nullptr) - kDay);
  ASSERT_GT(X509_sign(cert->get(), key->get(), EVP_sha256()), 0);
  auto authority =
      CertificateAuthority::adopt(std::move(*key), std::move(*cert), "key.pem", "cert.pem");
  ASSERT_FALSE(authority);
  EXPECT_NE(authority.error().message.find("cert.pem expired"), std::string::npos)
      << authority.error().message;
}

}  // namespace
}  // namespace flowscope::ca
