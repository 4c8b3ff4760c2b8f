#include "ca/leaf_minter.hpp"

#include <algorithm>

#include "ca/legacy_key.hpp"
#include "ca/openssl_error.hpp"
#include "ca/x509_util.hpp"

namespace flowscope::ca {

namespace {

constexpr std::time_t kLeafValiditySeconds = 397 * kSecondsPerDay;
constexpr std::size_t kMaxCommonName = 64;  // ub-common-name: longer names go in the SAN only

Result<X509ExtensionPtr> conf_extension(int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, nullptr, nullptr, nullptr, nullptr, 0);
  X509ExtensionPtr extension(X509V3_EXT_nconf_nid(nullptr, &context, nid, value));
  if (!extension)
    return fail(std::string("cannot build leaf extension ") + OBJ_nid2sn(nid) + openssl_suffix());
  return extension;
}

// RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits.
Result<X509ExtensionPtr> subject_key_id(EVP_PKEY* key) {
  X509Ptr holder(X509_new());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  Asn1OctetStringPtr id(ASN1_OCTET_STRING_new());
  if (!holder || !id || X509_set_pubkey(holder.get(), key) != 1 ||
      X509_pubkey_digest(holder.get(), EVP_sha1(), digest, &length) != 1 ||
      ASN1_OCTET_STRING_set(id.get(), digest, static_cast<int>(length)) != 1)
    return fail("cannot hash the leaf public key" + openssl_suffix());
  X509ExtensionPtr extension(X509V3_EXT_i2d(NID_subject_key_identifier, 0, id.get()));
  if (!extension) return fail("cannot build the leaf subjectKeyIdentifier" + openssl_suffix());
  return extension;
}

Result<X509ExtensionPtr> authority_key_id(const ASN1_OCTET_STRING* ca_key_id) {
  AuthorityKeyIdPtr id(AUTHORITY_KEYID_new());
  if (!id || !(id->keyid = ASN1_OCTET_STRING_dup(ca_key_id)))
    return fail("cannot copy the CA key id" + openssl_suffix());
  X509ExtensionPtr extension(X509V3_EXT_i2d(NID_authority_key_identifier, 0, id.get()));
  if (!extension) return fail("cannot build the leaf authorityKeyIdentifier" + openssl_suffix());
  return extension;
}

Result<GeneralNamesPtr> general_names(const LeafNames& names) {
  GeneralNamesPtr out(GENERAL_NAMES_new());
  if (!out) return fail("cannot allocate the SAN" + openssl_suffix());
  for (const SubjectAltName& name : names.names) {
    const bool ip = name.kind == SubjectAltName::Kind::kIp;
    const std::string& value = ip ? name.bytes : name.text;
    GENERAL_NAME* entry = GENERAL_NAME_new();
    ASN1_STRING* string = ip ? ASN1_OCTET_STRING_new() : ASN1_IA5STRING_new();
    if (!entry || !string ||
        ASN1_STRING_set(string, value.data(), static_cast<int>(value.size())) != 1) {
      GENERAL_NAME_free(entry);
      ASN1_STRING_free(string);
      return fail("cannot build the SAN" + openssl_suffix());
    }
    GENERAL_NAME_set0_value(entry, ip ? GEN_IPADD : GEN_DNS, string);
    if (sk_GENERAL_NAME_push(out.get(), entry) <= 0) {
      GENERAL_NAME_free(entry);
      return fail("cannot build the SAN" + openssl_suffix());
    }
  }
  return out;
}

Result<void> add_subject_entry(X509_NAME* subject, int nid, const std::string& value) {
  if (X509_NAME_add_entry_by_NID(subject, nid, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(value.data()),
                                 static_cast<int>(value.size()), -1, 0) != 1)
    return fail("cannot put '" + value + "' in the leaf subject" + openssl_suffix());
  return {};
}

}  // namespace

Result<LeafMinter> LeafMinter::create(AuthorityPtr authority, KeyType leaf_key_type) {
  if (!authority) return fail("a leaf minter needs a CA");
  LeafMinter minter;
  minter.authority_ = std::move(authority);
  auto key = generate_key(leaf_key_type);
  if (!key) return std::unexpected(key.error());
  auto legacy = to_legacy_key(key->get());
  if (!legacy) return std::unexpected(legacy.error());
  minter.leaf_key_ = std::move(*legacy);

  const char* key_usage = is_rsa(minter.leaf_key_.get())
                              ? "critical,digitalSignature,keyEncipherment"
                              : "critical,digitalSignature";
  Result<X509ExtensionPtr> extensions[] = {
      conf_extension(NID_basic_constraints, "critical,CA:FALSE"),
      conf_extension(NID_key_usage, key_usage),
      conf_extension(NID_ext_key_usage, "serverAuth"),
      subject_key_id(minter.leaf_key_.get()),
      authority_key_id(minter.authority_->key_id()),
  };
  for (auto& extension : extensions) {
    if (!extension) return std::unexpected(extension.error());
    minter.fixed_extensions_.push_back(std::move(*extension));
  }
  return minter;
}

Result<LeafPtr> LeafMinter::mint(const LeafRequest& request) const {
  auto names = canonicalize(request);
  if (!names) return std::unexpected(names.error());
  return mint(*names);
}

Result<LeafPtr> LeafMinter::mint(const LeafNames& names) const {
  if (names.names.empty()) return fail("a leaf certificate needs at least one name");
  const std::time_t now = std::time(nullptr);
  const std::time_t ca_not_after = authority_->not_after();
  if (ca_not_after <= now)
    return fail("the CA expired on " + format_utc(ca_not_after) +
                ": delete the CA files to create a new CA, then trust the new one");

  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1)
    return fail("cannot allocate a leaf certificate" + openssl_suffix());
  if (auto serial = set_random_serial(cert.get()); !serial) return std::unexpected(serial.error());

  const std::time_t not_before = now - kBackdateSeconds;
  const std::time_t not_after = std::min(not_before + kLeafValiditySeconds, ca_not_after);
  if (!ASN1_TIME_set(X509_getm_notBefore(cert.get()), not_before) ||
      !ASN1_TIME_set(X509_getm_notAfter(cert.get()), not_after))
    return fail("cannot set the leaf validity" + openssl_suffix());

  X509_NAME* subject = X509_get_subject_name(cert.get());
  if (names.primary().text.size() < kMaxCommonName) {
    if (auto ok = add_subject_entry(subject, NID_commonName, names.primary().text); !ok)
      return std::unexpected(ok.error());
  }
  if (!names.organization.empty()) {
    if (auto ok = add_subject_entry(subject, NID_organizationName, names.organization); !ok)
      return std::unexpected(ok.error());
  }
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(authority_->cert())) != 1 ||
      X509_set_pubkey(cert.get(), leaf_key_.get()) != 1)
    return fail("cannot fill in the leaf certificate" + openssl_suffix());

  for (const auto& extension : fixed_extensions_) {
    if (X509_add_ext(cert.get(), extension.get(), -1) != 1)
      return fail("cannot add a leaf extension" + openssl_suffix());
  }
  auto sans = general_names(names);
  if (!sans) return std::unexpected(sans.error());
  // RFC 5280 §4.2.1.6: with an empty subject the SAN carries the identity and must be critical.
  const int critical = X509_NAME_entry_count(subject) == 0 ? 1 : 0;
  if (X509_add1_ext_i2d(cert.get(), NID_subject_alt_name, sans->get(), critical,
                        X509V3_ADD_DEFAULT) != 1)
    return fail("cannot add the leaf SAN" + openssl_suffix());

  if (X509_sign(cert.get(), authority_->key(), authority_->digest()) <= 0)
    return fail("cannot sign the leaf certificate" + openssl_suffix());
  // Fills the extension cache now, while this thread is the only one holding the leaf.
  X509_check_purpose(cert.get(), -1, 0);
  return std::make_shared<const Leaf>(std::move(cert), share(leaf_key_.get()), authority_,
                                      names.cache_key);
}

}  // namespace flowscope::ca
