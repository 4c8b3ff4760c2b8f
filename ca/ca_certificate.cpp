#include "ca/ca_certificate.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include "ca/openssl_error.hpp"
#include "ca/x509_util.hpp"

namespace flowscope::ca {

namespace {

constexpr std::size_t kMaxCommonName = 64;  // ub-common-name, RFC 5280 appendix A

std::string user_name() {
  if (const char* user = std::getenv("USER"); user && *user) return user;
  if (const passwd* entry = getpwuid(getuid()); entry && entry->pw_name) return entry->pw_name;
  return "user";
}

std::string host_name() {
  char buffer[256] = {};
  if (gethostname(buffer, sizeof buffer - 1) != 0 || buffer[0] == '\0') return "localhost";
  return buffer;
}

Result<X509NamePtr> make_subject(const std::string& common_name) {
  X509NamePtr name(X509_NAME_new());
  auto add = [&](const char* field, const std::string& value) {
    return name && X509_NAME_add_entry_by_txt(name.get(), field, MBSTRING_UTF8,
                                              reinterpret_cast<const unsigned char*>(value.data()),
                                              static_cast<int>(value.size()), -1, 0) == 1;
  };
  if (!add("CN", common_name) || !add("O", "flowscope"))
    return fail("cannot build the CA subject '" + common_name + "'" + openssl_suffix());
  return name;
}

}  // namespace

std::string default_ca_common_name(std::time_t now) {
  std::tm tm{};
  gmtime_r(&now, &tm);
  char date[16];
  std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
  const std::string prefix = "flowscope CA (";
  const std::string suffix = std::string(", ") + date + ")";
  std::string who = user_name() + "@" + host_name();
  const std::size_t room = kMaxCommonName - prefix.size() - suffix.size();
  if (who.size() > room) who.resize(room);
  return prefix + who + suffix;
}

Result<X509Ptr> make_ca_certificate(EVP_PKEY* key, const CaCertificateOptions& options) {
  // Backdating eats two days, so anything shorter would be born expired.
  if (options.validity_days <= 2 || options.validity_days > kMaxCaValidityDays)
    return fail("CA validity must be 3 to " + std::to_string(kMaxCaValidityDays) + " days, not " +
                std::to_string(options.validity_days));
  const std::time_t now = std::time(nullptr);
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1)
    return fail("cannot allocate the CA certificate" + openssl_suffix());
  if (auto serial = set_random_serial(cert.get()); !serial) return std::unexpected(serial.error());

  const std::time_t not_before = now - kBackdateSeconds;
  const std::time_t not_after =
      not_before + static_cast<std::time_t>(options.validity_days) * kSecondsPerDay;
  if (!ASN1_TIME_set(X509_getm_notBefore(cert.get()), not_before) ||
      !ASN1_TIME_set(X509_getm_notAfter(cert.get()), not_after))
    return fail("cannot set the CA validity" + openssl_suffix());

  auto subject =
      make_subject(options.common_name.empty() ? default_ca_common_name(now) : options.common_name);
  if (!subject) return std::unexpected(subject.error());
  if (X509_set_subject_name(cert.get(), subject->get()) != 1 ||
      X509_set_issuer_name(cert.get(), subject->get()) != 1 ||
      X509_set_pubkey(cert.get(), key) != 1)
    return fail("cannot fill in the CA certificate" + openssl_suffix());

  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, cert.get(), cert.get(), nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
                            std::pair{NID_key_usage, "critical,keyCertSign,cRLSign"},
                            std::pair{NID_subject_key_identifier, "hash"}}) {
    if (auto added = add_extension(cert.get(), &context, nid, value); !added)
      return std::unexpected(added.error());
  }
  if (X509_sign(cert.get(), key, signing_digest(key)) <= 0)
    return fail("cannot sign the CA certificate" + openssl_suffix());
  return cert;
}

}  // namespace flowscope::ca
