// The Java trust store: read back with OpenSSL, every certificate bag must carry its alias and
// Oracle's trusted-key-usage attribute (without it Java ignores the certificate), and the MAC
// must verify under the password. tests/e2e/test_record_java.py checks that a real JVM trusts it.
#include "ca/java_trust_store.hpp"

#include <gtest/gtest.h>
#include <openssl/objects.h>

#include "ca/codec.hpp"
#include "tests/unit/ca/ca_test_support.hpp"

namespace flowscope::ca {
namespace {

using testing::expect_clean_error_queue;

struct Pkcs7StackFree {
  void operator()(STACK_OF(PKCS7) * safes) const noexcept { sk_PKCS7_pop_free(safes, PKCS7_free); }
};
struct SafeBagStackFree {
  void operator()(STACK_OF(PKCS12_SAFEBAG) * bags) const noexcept {
    sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
  }
};

struct ReadBag {
  std::string alias;
  X509Ptr cert;
  std::string trusted_usage;  // the trusted-key-usage attribute's OID, dotted
};

// Every bag of the store's (unencrypted) safes.
std::vector<ReadBag> read_bags(const std::string& der, const std::string& password) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(der.data());
  Pkcs12Ptr p12(d2i_PKCS12(nullptr, &bytes, static_cast<long>(der.size())));
  EXPECT_TRUE(p12);
  if (!p12) return {};
  EXPECT_EQ(PKCS12_verify_mac(p12.get(), password.c_str(), static_cast<int>(password.size())), 1);
  EXPECT_EQ(PKCS12_verify_mac(p12.get(), "wrong", 5), 0);
  ERR_clear_error();
  std::unique_ptr<STACK_OF(PKCS7), Pkcs7StackFree> safes(PKCS12_unpack_authsafes(p12.get()));
  EXPECT_TRUE(safes);
  std::vector<ReadBag> out;
  for (int i = 0; safes && i < sk_PKCS7_num(safes.get()); ++i) {
    PKCS7* safe = sk_PKCS7_value(safes.get(), i);
    EXPECT_EQ(OBJ_obj2nid(safe->type), NID_pkcs7_data) << "certificates are stored unencrypted";
    std::unique_ptr<STACK_OF(PKCS12_SAFEBAG), SafeBagStackFree> bags(PKCS12_unpack_p7data(safe));
    for (int j = 0; bags && j < sk_PKCS12_SAFEBAG_num(bags.get()); ++j) {
      const PKCS12_SAFEBAG* bag = sk_PKCS12_SAFEBAG_value(bags.get(), j);
      ReadBag read;
      char* name = PKCS12_get_friendlyname(const_cast<PKCS12_SAFEBAG*>(bag));
      if (name) read.alias = name;
      OPENSSL_free(name);
      read.cert.reset(PKCS12_SAFEBAG_get1_cert(bag));
      ASN1_OBJECT* usage_oid = OBJ_txt2obj(kJdkTrustedKeyUsageOid, 1);
      const STACK_OF(X509_ATTRIBUTE)* attrs = PKCS12_SAFEBAG_get0_attrs(bag);
      for (int k = 0; k < sk_X509_ATTRIBUTE_num(attrs); ++k) {
        X509_ATTRIBUTE* attr = sk_X509_ATTRIBUTE_value(attrs, k);
        if (OBJ_cmp(X509_ATTRIBUTE_get0_object(attr), usage_oid) != 0) continue;
        ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(attr, 0);
        EXPECT_EQ(X509_ATTRIBUTE_count(attr), 1);
        if (value && value->type == V_ASN1_OBJECT) {
          char dotted[64];
          OBJ_obj2txt(dotted, sizeof dotted, value->value.object, 1);
          read.trusted_usage = dotted;
        }
      }
      ASN1_OBJECT_free(usage_oid);
      out.push_back(std::move(read));
    }
  }
  return out;
}

TEST(JavaTrustStore, EveryCertificateIsATrustedEntryWithItsAlias) {
  auto first = CertificateAuthority::generate();
  auto second = CertificateAuthority::generate();
  ASSERT_TRUE(first && second);
  std::vector<TrustAnchor> anchors;
  anchors.push_back({"flowscope-ca", share((*first)->cert())});
  anchors.push_back({"system-1", share((*second)->cert())});

  auto der = java_trust_store_p12(anchors, "changeit");
  ASSERT_TRUE(der) << der.error().message;
  const std::vector<ReadBag> bags = read_bags(*der, "changeit");
  ASSERT_EQ(bags.size(), 2u);
  for (std::size_t i = 0; i < bags.size(); ++i) {
    EXPECT_EQ(bags[i].alias, anchors[i].alias);
    ASSERT_TRUE(bags[i].cert);
    EXPECT_EQ(X509_cmp(bags[i].cert.get(), anchors[i].cert.get()), 0);
    EXPECT_EQ(bags[i].trusted_usage, kAnyExtendedKeyUsageOid) << "bag " << i;
  }
  expect_clean_error_queue();
}

TEST(JavaTrustStore, AnEmptyStoreIsStillAValidFile) {
  auto der = java_trust_store_p12({}, "changeit");
  ASSERT_TRUE(der) << der.error().message;
  EXPECT_TRUE(read_bags(*der, "changeit").empty());
  expect_clean_error_queue();
}

TEST(CertBundle, ReadsEveryCertificateAndSkipsTheTextAround) {
  auto first = CertificateAuthority::generate();
  auto second = CertificateAuthority::generate();
  ASSERT_TRUE(first && second);
  const std::string bundle = "# a comment line\n" + cert_pem((*first)->cert()) + "\nsome text\n" +
                             cert_pem((*second)->cert());
  auto certs = parse_cert_bundle_pem(bundle);
  ASSERT_TRUE(certs) << certs.error().message;
  ASSERT_EQ(certs->size(), 2u);
  EXPECT_EQ(X509_cmp((*certs)[0].get(), (*first)->cert()), 0);
  EXPECT_EQ(X509_cmp((*certs)[1].get(), (*second)->cert()), 0);
  auto none = parse_cert_bundle_pem("");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  expect_clean_error_queue();
}

TEST(CertBundle, AMalformedBlockIsAnError) {
  auto first = CertificateAuthority::generate();
  ASSERT_TRUE(first);
  const std::string bundle =
      cert_pem((*first)->cert()) +
      "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n";
  auto certs = parse_cert_bundle_pem(bundle);
  ASSERT_FALSE(certs);
  EXPECT_NE(certs.error().message.find("certificate 2"), std::string::npos)
      << certs.error().message;
  expect_clean_error_queue();
}

}  // namespace
}  // namespace flowscope::ca
