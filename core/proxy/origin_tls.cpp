#include "core/proxy/origin_tls.hpp"

#include <openssl/x509v3.h>

#include <ctime>

namespace flowscope::proxy {

namespace {

std::string name_to_string(const X509_NAME* name) {
  if (name == nullptr) return {};
  BIO* bio = BIO_new(BIO_s_mem());
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n > 0 ? n : 0));
  BIO_free(bio);
  return out;
}

std::string time_to_string(const ASN1_TIME* time) {
  if (time == nullptr) return {};
  struct tm tm {};
  if (ASN1_TIME_to_tm(time, &tm) != 1) return {};
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

flow::Tls describe_origin_tls(const tls::Endpoint& endpoint, const std::string& sni, bool insecure) {
  flow::Tls t;
  t.sni = sni;
  const tls::SessionInfo info = endpoint.info();
  t.server = flow::TlsSide{info.version, info.cipher, info.alpn};
  SSL* ssl = endpoint.ssl();
  if (X509* cert = SSL_get0_peer_certificate(ssl)) {
    t.server_cert_subject = name_to_string(X509_get_subject_name(cert));
    t.server_cert_issuer = name_to_string(X509_get_issuer_name(cert));
    t.server_cert_not_after = time_to_string(X509_get0_notAfter(cert));
  }
  const long verify = SSL_get_verify_result(ssl);
  t.upstream_verify = insecure ? "disabled (--insecure)" : verify == X509_V_OK ? "ok" : X509_verify_cert_error_string(verify);
  return t;
}

std::string verification_refusal(const std::string& host, const std::string& verify_result) {
  return "the certificate of " + host + " failed verification: " + verify_result +
         " (pass --insecure to proxy it anyway)";
}

}  // namespace flowscope::proxy
