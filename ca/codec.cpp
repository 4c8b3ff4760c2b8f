#include "ca/codec.hpp"

#include <openssl/pem.h>

#include <cstring>

#include "ca/openssl_error.hpp"

namespace flowscope::ca {

namespace {

BioPtr memory_reader(std::string_view bytes) {
  return BioPtr(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

std::string drain(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

// The default PEM callback prompts on the terminal when no password is given; this one
// answers with the passphrase or fails, so an encrypted key never blocks the proxy.
int passphrase_callback(char* buffer, int size, int /*rwflag*/, void* user) {
  const auto* passphrase = static_cast<const std::string_view*>(user);
  if (passphrase->empty() || passphrase->size() > static_cast<std::size_t>(size)) return -1;
  std::memcpy(buffer, passphrase->data(), passphrase->size());
  return static_cast<int>(passphrase->size());
}

}  // namespace

std::string cert_pem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return {};
  return drain(bio.get());
}

std::string cert_der(X509* cert) {
  unsigned char* der = nullptr;
  const int size = i2d_X509(cert, &der);
  if (size <= 0) return {};
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(size));
  OPENSSL_free(der);
  return out;
}

Result<std::string> key_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return fail("cannot encode the CA key as PEM" + openssl_suffix());
  return drain(bio.get());
}

Result<std::string> make_p12(EVP_PKEY* key, X509* cert, std::string_view passphrase,
                             std::string_view friendly_name) {
  const std::string pass(passphrase);
  const std::string name(friendly_name);
  // nid 0 and iterations 0 select OpenSSL 3's defaults.
  Pkcs12Ptr p12(PKCS12_create(pass.c_str(), name.c_str(), key, cert, nullptr, 0, 0, 0, 0, 0));
  if (!p12) return fail("cannot build the PKCS#12 bundle" + openssl_suffix());
  return p12_der(p12.get());
}

Result<std::string> p12_der(PKCS12* p12) {
  unsigned char* der = nullptr;
  const int size = i2d_PKCS12(p12, &der);
  if (size <= 0) return fail("cannot encode the PKCS#12 bundle" + openssl_suffix());
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(size));
  OPENSSL_free(der);
  return out;
}

Result<X509Ptr> parse_cert_pem(std::string_view pem) {
  BioPtr bio = memory_reader(pem);
  X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert) return fail("not a PEM certificate" + openssl_suffix());
  return cert;
}

Result<EvpPkeyPtr> parse_key_pem(std::string_view pem, std::string_view passphrase) {
  BioPtr bio = memory_reader(pem);
  EvpPkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, passphrase_callback, &passphrase)
                     : nullptr);
  if (!key) {
    if (pem.find("ENCRYPTED") != std::string_view::npos) {
      take_openssl_errors();
      return fail(passphrase.empty() ? "the key is encrypted: pass its passphrase"
                                     : "wrong passphrase for the encrypted key");
    }
    return fail("not a PEM private key" + openssl_suffix());
  }
  return key;
}

Result<KeyAndCert> parse_p12(std::string_view der, std::string_view passphrase) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(der.data());
  Pkcs12Ptr p12(d2i_PKCS12(nullptr, &bytes, static_cast<long>(der.size())));
  if (!p12) return fail("not a PKCS#12 file" + openssl_suffix());
  const std::string pass(passphrase);
  // PKCS12_parse tries both a null and an empty password when given "".
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509)* extra = nullptr;
  const int parsed = PKCS12_parse(p12.get(), pass.c_str(), &key, &cert, &extra);
  KeyAndCert out{EvpPkeyPtr(key), X509Ptr(cert)};
  X509StackPtr extra_owner(extra);
  if (parsed != 1) {
    const std::string reasons = take_openssl_errors();
    if (reasons.find("mac verify failure") != std::string::npos)
      return fail(pass.empty() ? "the PKCS#12 file has a passphrase: pass it"
                               : "wrong passphrase for the PKCS#12 file");
    return fail("cannot read the PKCS#12 file (OpenSSL: " + reasons + ")");
  }
  if (!out.key) return fail("the PKCS#12 file holds no private key");
  if (!out.cert) return fail("the PKCS#12 file holds no certificate matching its key");
  return out;
}

}  // namespace flowscope::ca
