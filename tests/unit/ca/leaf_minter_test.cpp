#include "ca/leaf_minter.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/unit/ca/ca_test_support.hpp"

namespace flowscope::ca {
namespace {

using testing::expect_clean_error_queue;
using testing::is_critical;
using testing::octets;
using testing::san_entries;
using testing::serial_of;
using testing::subject_entry;
using testing::time_of;
using testing::verify_chain;

constexpr std::time_t kDay = 24 * 60 * 60;

std::string ip_bytes(const char* text) {
  unsigned char bytes[16];
  if (inet_pton(AF_INET, text, bytes) == 1) return std::string(reinterpret_cast<char*>(bytes), 4);
  EXPECT_EQ(inet_pton(AF_INET6, text, bytes), 1) << text;
  return std::string(reinterpret_cast<char*>(bytes), 16);
}

class LeafMinterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ec_ca_ = new AuthorityPtr(*CertificateAuthority::generate(KeyType::kEcP256));
    rsa_ca_ = new AuthorityPtr(*CertificateAuthority::generate(KeyType::kRsa2048));
  }
  static void TearDownTestSuite() {
    delete ec_ca_;
    delete rsa_ca_;
  }

  static LeafPtr mint(const AuthorityPtr& authority, LeafRequest request,
                      KeyType leaf_key = KeyType::kEcP256) {
    auto minter = LeafMinter::create(authority, leaf_key);
    EXPECT_TRUE(minter) << minter.error().message;
    auto leaf = minter->mint(request);
    EXPECT_TRUE(leaf) << leaf.error().message;
    expect_clean_error_queue();
    return leaf ? *leaf : nullptr;
  }

  static AuthorityPtr* ec_ca_;
  static AuthorityPtr* rsa_ca_;
};

AuthorityPtr* LeafMinterTest::ec_ca_ = nullptr;
AuthorityPtr* LeafMinterTest::rsa_ca_ = nullptr;

TEST_F(LeafMinterTest, SanHoldsDnsNamesAndIpAddresses) {
  LeafPtr leaf = mint(
      *ec_ca_,
      {{"Example.COM", "www.example.com", "10.0.0.1", "::1", "[2001:db8::7]", "example.com"}, ""});
  ASSERT_TRUE(leaf);
  auto sans = san_entries(leaf->cert());
  EXPECT_EQ(sans.dns, (std::vector<std::string>{"example.com", "www.example.com"}));
  EXPECT_EQ(sans.ip, (std::vector<std::string>{ip_bytes("10.0.0.1"), ip_bytes("::1"),
                                               ip_bytes("2001:db8::7")}));
  EXPECT_EQ(subject_entry(leaf->cert(), NID_commonName), "example.com");
  EXPECT_FALSE(is_critical(leaf->cert(), NID_subject_alt_name));
  EXPECT_EQ(X509_check_host(leaf->cert(), "www.example.com", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(leaf->cert(), "10.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(leaf->cert(), "2001:db8::7", 0), 1);
  EXPECT_NE(X509_check_host(leaf->cert(), "other.example.com", 0, 0, nullptr), 1);
}

TEST_F(LeafMinterTest, IpPrimaryGetsAnIpSanAndItsTextAsCn) {
  LeafPtr leaf = mint(*ec_ca_, {{"192.0.2.1"}, ""});
  ASSERT_TRUE(leaf);
  auto sans = san_entries(leaf->cert());
  EXPECT_TRUE(sans.dns.empty());
  EXPECT_EQ(sans.ip, (std::vector<std::string>{ip_bytes("192.0.2.1")}));
  EXPECT_EQ(subject_entry(leaf->cert(), NID_commonName), "192.0.2.1");
  EXPECT_EQ(verify_chain(leaf->cert(), **ec_ca_, "192.0.2.1", true), "ok");
}

TEST_F(LeafMinterTest, CommonNameOnlyForNamesShorterThan64Characters) {
  const std::string long_name = std::string(31, 'a') + "." + std::string(30, 'b') + ".example";
  ASSERT_EQ(long_name.size(), 70u);
  LeafPtr leaf = mint(*ec_ca_, {{long_name}, ""});
  ASSERT_TRUE(leaf);
  EXPECT_EQ(subject_entry(leaf->cert(), NID_commonName), "");
  EXPECT_EQ(X509_NAME_entry_count(X509_get_subject_name(leaf->cert())), 0);
  // With an empty subject, RFC 5280 requires a critical SAN.
  EXPECT_TRUE(is_critical(leaf->cert(), NID_subject_alt_name));
  EXPECT_EQ(san_entries(leaf->cert()).dns, std::vector<std::string>{long_name});
  EXPECT_EQ(verify_chain(leaf->cert(), **ec_ca_, long_name), "ok");

  const std::string name_63 = std::string(51, 'c') + ".example.com";
  ASSERT_EQ(name_63.size(), 63u);
  LeafPtr short_leaf = mint(*ec_ca_, {{name_63}, ""});
  ASSERT_TRUE(short_leaf);
  EXPECT_EQ(subject_entry(short_leaf->cert(), NID_commonName), name_63);
}

TEST_F(LeafMinterTest, ValidityIsBackdatedAndWithin397Days) {
  const std::time_t now = std::time(nullptr);
  LeafPtr leaf = mint(*ec_ca_, {{"example.com"}, ""});
  ASSERT_TRUE(leaf);
  const std::time_t not_before = time_of(X509_get0_notBefore(leaf->cert()));
  const std::time_t not_after = time_of(X509_get0_notAfter(leaf->cert()));
  EXPECT_NEAR(static_cast<double>(not_before), static_cast<double>(now - 2 * kDay), 60);
  EXPECT_LE(not_after, now + 397 * kDay + 60);
  EXPECT_GT(not_after, now + 390 * kDay);
  EXPECT_LE(not_after - not_before, 397 * kDay);
  EXPECT_LE(not_after, (*ec_ca_)->not_after());
}

TEST_F(LeafMinterTest, ValidityNeverOutlivesTheCa) {
  auto short_ca = CertificateAuthority::generate(KeyType::kEcP256, {30, ""});
  ASSERT_TRUE(short_ca);
  const std::time_t now = std::time(nullptr);
  LeafPtr leaf = mint(*short_ca, {{"example.com"}, ""});
  ASSERT_TRUE(leaf);
  const std::time_t not_after = time_of(X509_get0_notAfter(leaf->cert()));
  EXPECT_EQ(not_after, (*short_ca)->not_after());
  EXPECT_LE(not_after, now + 28 * kDay + 60);
  EXPECT_EQ(verify_chain(leaf->cert(), **short_ca, "example.com"), "ok");
}

TEST_F(LeafMinterTest, ExtensionsMakeItAServerLeafOfTheCa) {
  LeafPtr leaf = mint(*ec_ca_, {{"example.com"}, ""});
  ASSERT_TRUE(leaf);
  X509* cert = leaf->cert();
  EXPECT_EQ(X509_get_version(cert), X509_VERSION_3);
  // basicConstraints critical CA:FALSE.
  BasicConstraintsPtr constraints(static_cast<BASIC_CONSTRAINTS*>(
      X509_get_ext_d2i(cert, NID_basic_constraints, nullptr, nullptr)));
  ASSERT_TRUE(constraints);
  EXPECT_FALSE(constraints->ca);
  EXPECT_TRUE(is_critical(cert, NID_basic_constraints));
  EXPECT_EQ(X509_check_ca(cert), 0);
  // keyUsage critical digitalSignature; an EC leaf key needs no keyEncipherment.
  EXPECT_TRUE(is_critical(cert, NID_key_usage));
  EXPECT_EQ(X509_get_key_usage(cert), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
  // EKU serverAuth only.
  ExtendedKeyUsagePtr eku(static_cast<EXTENDED_KEY_USAGE*>(
      X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr)));
  ASSERT_TRUE(eku);
  ASSERT_EQ(sk_ASN1_OBJECT_num(eku.get()), 1);
  EXPECT_EQ(OBJ_obj2nid(sk_ASN1_OBJECT_value(eku.get(), 0)), NID_server_auth);
  EXPECT_EQ(X509_get_extended_key_usage(cert), static_cast<uint32_t>(XKU_SSL_SERVER));
  // AKI = the CA's SKI; the leaf's own SKI differs because its key differs.
  const ASN1_OCTET_STRING* ca_ski = X509_get0_subject_key_id((*ec_ca_)->cert());
  ASSERT_NE(X509_get0_authority_key_id(cert), nullptr);
  EXPECT_EQ(octets(X509_get0_authority_key_id(cert)), octets(ca_ski));
  ASSERT_NE(X509_get0_subject_key_id(cert), nullptr);
  EXPECT_EQ(ASN1_STRING_length(X509_get0_subject_key_id(cert)), 20);
  EXPECT_NE(octets(X509_get0_subject_key_id(cert)), octets(ca_ski));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  ASSERT_EQ(X509_pubkey_digest(cert, EVP_sha1(), digest, &length), 1);
  EXPECT_EQ(octets(X509_get0_subject_key_id(cert)),
            std::string(reinterpret_cast<char*>(digest), length));
  // Issued by the CA, SHA-256.
  EXPECT_EQ(X509_NAME_cmp(X509_get_issuer_name(cert), X509_get_subject_name((*ec_ca_)->cert())), 0);
  EXPECT_EQ(X509_get_signature_nid(cert), NID_ecdsa_with_SHA256);
  EXPECT_EQ(X509_verify(cert, (*ec_ca_)->key()), 1);
  EXPECT_EQ(X509_check_issued((*ec_ca_)->cert(), cert), X509_V_OK);
  expect_clean_error_queue();
}

TEST_F(LeafMinterTest, SerialIsARandomPositive128BitNumber) {
  auto minter = LeafMinter::create(*ec_ca_);
  ASSERT_TRUE(minter);
  auto a = minter->mint(LeafRequest{{"example.com"}, {}});
  auto b = minter->mint(LeafRequest{{"example.com"}, {}});
  ASSERT_TRUE(a && b);
  BignumPtr serial = serial_of((*a)->cert());
  EXPECT_FALSE(BN_is_zero(serial.get()));
  EXPECT_FALSE(BN_is_negative(serial.get()));
  EXPECT_LE(BN_num_bits(serial.get()), 128);
  EXPECT_GT(BN_num_bits(serial.get()), 64);  // fails with probability 2^-64
  EXPECT_NE(BN_cmp(serial.get(), serial_of((*b)->cert()).get()), 0);
}

TEST_F(LeafMinterTest, ChainVerifiesToTheCaForTheName) {
  for (const AuthorityPtr* authority : {ec_ca_, rsa_ca_}) {
    LeafPtr leaf = mint(*authority, {{"api.example.org", "example.org"}, ""});
    ASSERT_TRUE(leaf);
    EXPECT_EQ(verify_chain(leaf->cert(), **authority, "api.example.org"), "ok");
    EXPECT_EQ(verify_chain(leaf->cert(), **authority, "example.org"), "ok");
    EXPECT_NE(verify_chain(leaf->cert(), **authority, "evil.example.org"), "ok");
    EXPECT_EQ(X509_check_host(leaf->cert(), "API.example.org", 0, 0, nullptr), 1);
    EXPECT_EQ(sk_X509_num(leaf->chain()), 1);
    EXPECT_EQ(X509_cmp(sk_X509_value(leaf->chain(), 0), (*authority)->cert()), 0);
    EXPECT_EQ(leaf->issuer_cert(), (*authority)->cert());
  }
  LeafPtr rsa_signed = mint(*rsa_ca_, {{"example.org"}, ""});
  EXPECT_EQ(X509_get_signature_nid(rsa_signed->cert()), NID_sha256WithRSAEncryption);
  // Another CA does not vouch for it.
  EXPECT_NE(verify_chain(rsa_signed->cert(), **ec_ca_, "example.org"), "ok");
}

TEST_F(LeafMinterTest, OneLeafKeyPerMinterSeparateFromTheCaKey) {
  auto minter = LeafMinter::create(*ec_ca_);
  ASSERT_TRUE(minter);
  auto a = minter->mint(LeafRequest{{"a.example"}, {}});
  auto b = minter->mint(LeafRequest{{"b.example"}, {}});
  ASSERT_TRUE(a && b);
  EXPECT_EQ((*a)->key(), (*b)->key());
  EXPECT_EQ((*a)->key(), minter->leaf_key());
  EXPECT_TRUE(EVP_PKEY_is_a((*a)->key(), "EC"));
  EXPECT_NE(EVP_PKEY_eq((*a)->key(), (*ec_ca_)->key()), 1);
  EXPECT_EQ(X509_check_private_key((*a)->cert(), (*a)->key()), 1);
  expect_clean_error_queue();
}

TEST_F(LeafMinterTest, RsaLeafKeyAddsKeyEncipherment) {
  LeafPtr leaf = mint(*ec_ca_, {{"example.com"}, ""}, KeyType::kRsa2048);
  ASSERT_TRUE(leaf);
  EXPECT_TRUE(EVP_PKEY_is_a(leaf->key(), "RSA"));
  EXPECT_EQ(X509_get_key_usage(leaf->cert()),
            static_cast<uint32_t>(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT));
  EXPECT_EQ(verify_chain(leaf->cert(), **ec_ca_, "example.com"), "ok");
}

TEST_F(LeafMinterTest, CopiesSansAndOrganizationFromTheUpstreamCertificate) {
  // The "real" server certificate, issued by some other CA.
  LeafPtr upstream =
      mint(*rsa_ca_, {{"real.example", "*.real.example", "192.0.2.7"}, "Example Corp \xc3\x9f"});
  ASSERT_TRUE(upstream);
  LeafRequest request = make_leaf_request("api.real.example", upstream->cert());
  EXPECT_EQ(request.names, (std::vector<std::string>{"api.real.example", "real.example",
                                                     "*.real.example", "192.0.2.7"}));
  EXPECT_EQ(request.organization, "Example Corp \xc3\x9f");

  LeafPtr leaf = mint(*ec_ca_, request);
  ASSERT_TRUE(leaf);
  auto sans = san_entries(leaf->cert());
  EXPECT_EQ(sans.dns,
            (std::vector<std::string>{"api.real.example", "real.example", "*.real.example"}));
  EXPECT_EQ(sans.ip, std::vector<std::string>{ip_bytes("192.0.2.7")});
  EXPECT_EQ(subject_entry(leaf->cert(), NID_commonName), "api.real.example");
  EXPECT_EQ(subject_entry(leaf->cert(), NID_organizationName), "Example Corp \xc3\x9f");
  EXPECT_EQ(verify_chain(leaf->cert(), **ec_ca_, "other.real.example"), "ok");
  EXPECT_EQ(verify_chain(leaf->cert(), **ec_ca_, "192.0.2.7", true), "ok");
  EXPECT_EQ(make_leaf_request("x.example", nullptr).names, std::vector<std::string>{"x.example"});
}

TEST_F(LeafMinterTest, BadNamesAreRefusedWithoutStaleOpensslErrors) {
  auto minter = LeafMinter::create(*ec_ca_);
  ASSERT_TRUE(minter);
  auto leaf = minter->mint(LeafRequest{{"not a host"}, {}});
  ASSERT_FALSE(leaf);
  EXPECT_NE(leaf.error().message.find("not a host"), std::string::npos);
  EXPECT_FALSE(minter->mint(LeafRequest{{}, {}}));
  expect_clean_error_queue();
}

}  // namespace
}  // namespace flowscope::ca
