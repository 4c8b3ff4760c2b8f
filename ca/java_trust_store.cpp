#include "ca/java_trust_store.hpp"

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include <memory>

#include "ca/codec.hpp"
#include "ca/openssl_error.hpp"

namespace flowscope::ca {

namespace {

struct SafeBagStackDeleter {
  void operator()(STACK_OF(PKCS12_SAFEBAG) * bags) const noexcept {
    sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
  }
};
struct Pkcs7StackDeleter {
  void operator()(STACK_OF(PKCS7) * safes) const noexcept { sk_PKCS7_pop_free(safes, PKCS7_free); }
};
using SafeBagStackPtr = std::unique_ptr<STACK_OF(PKCS12_SAFEBAG), SafeBagStackDeleter>;
using Pkcs7StackPtr = std::unique_ptr<STACK_OF(PKCS7), Pkcs7StackDeleter>;
using Asn1ObjectPtr = std::unique_ptr<ASN1_OBJECT, OpensslDeleter<ASN1_OBJECT_free>>;

// PKCS12_add_safe's "no encryption" choice for a bag sequence.
constexpr int kUnencryptedSafe = -1;
// PKCS12_set_mac: a null digest and zero salt length select OpenSSL 3's defaults
// (HMAC-SHA-256, 8-byte salt); 2048 iterations is what OpenSSL and keytool use.
constexpr int kMacIterations = 2048;

}  // namespace

Result<std::string> java_trust_store_p12(const std::vector<TrustAnchor>& anchors,
                                         std::string_view password) {
  Asn1ObjectPtr any_usage(OBJ_txt2obj(kAnyExtendedKeyUsageOid, 1));
  if (!any_usage) return fail("cannot encode anyExtendedKeyUsage" + openssl_suffix());
  STACK_OF(PKCS12_SAFEBAG)* raw_bags = nullptr;
  for (const TrustAnchor& anchor : anchors) {
    // PKCS12_add_cert creates the stack on first use and keeps ownership of the bag.
    PKCS12_SAFEBAG* bag = PKCS12_add_cert(&raw_bags, anchor.cert.get());
    if (bag == nullptr) {
      SafeBagStackPtr cleanup(raw_bags);
      return fail("cannot add certificate " + anchor.alias + " to the trust store" +
                  openssl_suffix());
    }
    // len -1 with V_ASN1_OBJECT copies the ASN1_OBJECT itself as the attribute's value.
    if (PKCS12_add_friendlyname_asc(bag, anchor.alias.c_str(), -1) != 1 ||
        PKCS12_add1_attr_by_txt(bag, kJdkTrustedKeyUsageOid, V_ASN1_OBJECT,
                                reinterpret_cast<const unsigned char*>(any_usage.get()), -1) != 1) {
      SafeBagStackPtr cleanup(raw_bags);
      return fail("cannot mark certificate " + anchor.alias + " as trusted" + openssl_suffix());
    }
  }
  SafeBagStackPtr bags(raw_bags != nullptr ? raw_bags : sk_PKCS12_SAFEBAG_new_null());
  const std::string pass(password);
  STACK_OF(PKCS7)* raw_safes = nullptr;
  if (PKCS12_add_safe(&raw_safes, bags.get(), kUnencryptedSafe, 0, nullptr) != 1) {
    Pkcs7StackPtr cleanup(raw_safes);
    return fail("cannot build the trust store's contents" + openssl_suffix());
  }
  Pkcs7StackPtr safes(raw_safes);
  Pkcs12Ptr p12(PKCS12_add_safes(safes.get(), 0));
  if (!p12 || PKCS12_set_mac(p12.get(), pass.c_str(), static_cast<int>(pass.size()), nullptr, 0,
                             kMacIterations, nullptr) != 1) {
    return fail("cannot seal the trust store" + openssl_suffix());
  }
  return p12_der(p12.get());
}

Result<std::vector<X509Ptr>> parse_cert_bundle_pem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return fail("out of memory reading a certificate bundle" + openssl_suffix());
  std::vector<X509Ptr> certs;
  for (;;) {
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (cert) {
      certs.push_back(std::move(cert));
      continue;
    }
    // The loop ends at the end of the input, reported as "no start line"; anything else is
    // a block that did not decode.
    const unsigned long reason = ERR_peek_last_error();
    if (ERR_GET_LIB(reason) == ERR_LIB_PEM && ERR_GET_REASON(reason) == PEM_R_NO_START_LINE) {
      take_openssl_errors();
      return certs;
    }
    return fail("certificate " + std::to_string(certs.size() + 1) + " of the bundle is malformed" +
                openssl_suffix());
  }
}

}  // namespace flowscope::ca
