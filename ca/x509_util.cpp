#include "ca/x509_util.hpp"

#include <openssl/rand.h>

#include <cstring>

#include "ca/openssl_error.hpp"

namespace flowscope::ca {

Result<void> set_random_serial(X509* cert) {
  unsigned char bytes[16];
  const unsigned char* first = bytes;
  // An all-zero draw is astronomically unlikely, but a zero serial is invalid: draw again.
  do {
    if (RAND_bytes(bytes, sizeof bytes) != 1)
      return fail("cannot draw a random serial number" + openssl_suffix());
    first = bytes;
    while (first != bytes + sizeof bytes && *first == 0) ++first;
  } while (first == bytes + sizeof bytes);
  // ASN1_INTEGER holds the big-endian magnitude without leading zeros; the DER encoder adds the
  // 0x00 that keeps a value with its top bit set positive (17 bytes, within RFC 5280's 20).
  ASN1_INTEGER* serial = X509_get_serialNumber(cert);
  if (ASN1_STRING_set(serial, first, static_cast<int>(bytes + sizeof bytes - first)) != 1)
    return fail("cannot set the serial number" + openssl_suffix());
  serial->type = V_ASN1_INTEGER;
  return {};
}

Result<std::time_t> to_time_t(const ASN1_TIME* time) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(time, &tm) != 1) return fail("invalid certificate time" + openssl_suffix());
  return timegm(&tm);
}

std::string format_utc(std::time_t time) {
  std::tm tm{};
  gmtime_r(&time, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buffer;
}

const EVP_MD* signing_digest(EVP_PKEY* key) {
  int nid = NID_undef;
  // 2 means the algorithm mandates its digest; for EdDSA that is "none" (NID_undef).
  if (EVP_PKEY_get_default_digest_nid(key, &nid) == 2 && nid == NID_undef) return nullptr;
  return EVP_sha256();
}

Result<void> add_extension(X509* cert, X509V3_CTX* context, int nid, const char* value) {
  X509ExtensionPtr extension(X509V3_EXT_nconf_nid(nullptr, context, nid, value));
  if (!extension || X509_add_ext(cert, extension.get(), -1) != 1)
    return fail(std::string("cannot add extension ") + OBJ_nid2sn(nid) + " = " + value +
                openssl_suffix());
  return {};
}

}  // namespace flowscope::ca
