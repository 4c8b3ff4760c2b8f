#pragma once
// Helpers for the CA tests: a temporary directory and readers for certificate fields.
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ca/authority.hpp"
#include "ca/openssl_ptr.hpp"

namespace flowscope::ca::testing {

// A fresh directory under /tmp, removed with everything in it when the test ends.
class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/flowscope-ca-test-XXXXXX";
    const char* made = ::mkdtemp(pattern);
    if (made) path_ = made;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

inline std::filesystem::perms mode_of(const std::filesystem::path& path) {
  return std::filesystem::status(path).permissions() & std::filesystem::perms::mask;
}

inline std::time_t time_of(const ASN1_TIME* time) {
  std::tm tm{};
  EXPECT_EQ(ASN1_TIME_to_tm(time, &tm), 1);
  return timegm(&tm);
}

inline std::string octets(const ASN1_STRING* string) {
  if (!string) return {};
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(string)),
                     static_cast<std::size_t>(ASN1_STRING_length(string)));
}

// The first subject entry with `nid` as UTF-8, or "" when there is none.
inline std::string subject_entry(X509* cert, int nid) {
  const X509_NAME* subject = X509_get_subject_name(cert);
  const int index = X509_NAME_get_index_by_NID(subject, nid, -1);
  if (index < 0) return {};
  return octets(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index)));
}

inline bool is_critical(X509* cert, int nid) {
  const int index = X509_get_ext_by_NID(cert, nid, -1);
  return index >= 0 && X509_EXTENSION_get_critical(X509_get_ext(cert, index)) == 1;
}

struct SanEntries {
  std::vector<std::string> dns;
  std::vector<std::string> ip;  // raw bytes, 4 or 16
};

inline SanEntries san_entries(X509* cert) {
  SanEntries out;
  GeneralNamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type == GEN_DNS) out.dns.push_back(octets(name->d.dNSName));
    if (name->type == GEN_IPADD) out.ip.push_back(octets(name->d.iPAddress));
  }
  return out;
}

inline BignumPtr serial_of(X509* cert) {
  return BignumPtr(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
}

// Verifies `leaf` up to `authority` as a TLS server certificate for `host` (or an IP) and
// returns X509_V_OK or the reason it failed, as text.
inline std::string verify_chain(X509* leaf, const CertificateAuthority& authority,
                                const std::string& host, bool is_ip = false) {
  X509StorePtr store(X509_STORE_new());
  X509_STORE_add_cert(store.get(), authority.cert());
  X509StoreCtxPtr context(X509_STORE_CTX_new());
  X509_STORE_CTX_init(context.get(), store.get(), leaf, nullptr);
  X509_STORE_CTX_set_purpose(context.get(), X509_PURPOSE_SSL_SERVER);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(context.get());
  if (is_ip) {
    X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
  } else {
    X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  }
  const int result = X509_verify_cert(context.get());
  ERR_clear_error();
  if (result == 1) return "ok";
  return X509_verify_cert_error_string(X509_STORE_CTX_get_error(context.get()));
}

// The CA's failures must not leave entries on OpenSSL's per-thread error queue, which the TLS
// code reads through SSL_get_error.
inline void expect_clean_error_queue() {
  EXPECT_EQ(ERR_peek_error(), 0ul)
      << "stale OpenSSL error: " << ERR_reason_error_string(ERR_peek_error());
  ERR_clear_error();
}

}  // namespace flowscope::ca::testing
