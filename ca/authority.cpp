#include "ca/authority.hpp"

#include <string>

#include "ca/openssl_error.hpp"
#include "ca/x509_util.hpp"

namespace flowscope::ca {

struct CertificateAuthority::Parts {
  EvpPkeyPtr key;
  X509Ptr cert;
  X509StackPtr chain;
  Asn1OctetStringPtr key_id;
  std::time_t not_after;
};

CertificateAuthority::CertificateAuthority(Parts parts)
    : key_(std::move(parts.key)),
      cert_(std::move(parts.cert)),
      chain_(std::move(parts.chain)),
      key_id_(std::move(parts.key_id)),
      not_after_(parts.not_after),
      digest_(signing_digest(key_.get())) {}

Result<AuthorityPtr> CertificateAuthority::generate(KeyType key_type,
                                                    const CaCertificateOptions& options) {
  auto key = generate_key(key_type);
  if (!key) return std::unexpected(key.error());
  auto cert = make_ca_certificate(key->get(), options);
  if (!cert) return std::unexpected(cert.error());
  return adopt(std::move(*key), std::move(*cert), "the new CA key", "the new CA certificate");
}

Result<AuthorityPtr> CertificateAuthority::adopt(EvpPkeyPtr key, X509Ptr cert,
                                                 std::string_view key_source,
                                                 std::string_view cert_source) {
  const std::string cert_name(cert_source);
  if (!key || !cert) return fail("missing CA key or certificate");

  // X509_check_ca also fills the certificate's extension cache. Doing it now, before the
  // object is shared, keeps later concurrent readers from racing to fill it.
  if (X509_check_ca(cert.get()) != 1)
    return fail("the certificate in " + cert_name +
                " is not a CA certificate (it lacks basicConstraints CA:TRUE): use a CA "
                "certificate, or delete the CA files to create a new CA");
  if ((X509_get_extension_flags(cert.get()) & EXFLAG_KUSAGE) &&
      !(X509_get_key_usage(cert.get()) & KU_KEY_CERT_SIGN))
    return fail("the certificate in " + cert_name +
                " is not allowed to sign certificates (its keyUsage lacks keyCertSign)");

  if (EVP_PKEY_eq(X509_get0_pubkey(cert.get()), key.get()) != 1) {
    take_openssl_errors();
    return fail("the CA key in " + std::string(key_source) + " does not match the certificate in " +
                cert_name + ": restore the matching pair, or delete both to create a new CA");
  }

  auto not_after = to_time_t(X509_get0_notAfter(cert.get()));
  if (!not_after) return fail("the certificate in " + cert_name + " has an unreadable notAfter");
  if (*not_after <= std::time(nullptr))
    return fail("the CA certificate in " + cert_name + " expired on " + format_utc(*not_after) +
                ": delete the CA files to create a new CA, then trust the new one");

  Asn1OctetStringPtr key_id;
  if (const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(cert.get())) {
    key_id.reset(ASN1_OCTET_STRING_dup(ski));
  } else {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    key_id.reset(ASN1_OCTET_STRING_new());
    if (key_id && (X509_pubkey_digest(cert.get(), EVP_sha1(), digest, &length) != 1 ||
                   ASN1_OCTET_STRING_set(key_id.get(), digest, static_cast<int>(length)) != 1))
      key_id.reset();
  }
  X509StackPtr chain(sk_X509_new_null());
  X509Ptr chain_reference = share(cert.get());
  if (!key_id || !chain || sk_X509_push(chain.get(), chain_reference.get()) <= 0)
    return fail("cannot prepare the CA from " + cert_name + openssl_suffix());
  chain_reference.release();  // the stack owns it now

  Parts parts{std::move(key), std::move(cert), std::move(chain), std::move(key_id), *not_after};
  return AuthorityPtr(new CertificateAuthority(std::move(parts)));
}

}  // namespace flowscope::ca
