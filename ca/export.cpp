#include "ca/export.hpp"

#include "ca/codec.hpp"
#include "ca/openssl_error.hpp"

namespace flowscope::ca {

std::optional<ExportFormat> parse_export_format(std::string_view text) {
  if (text == "pem") return ExportFormat::kPem;
  if (text == "der" || text == "crt" || text == "cer") return ExportFormat::kDer;
  if (text == "p12" || text == "pfx") return ExportFormat::kP12;
  return std::nullopt;
}

std::string_view content_type(ExportFormat format) {
  switch (format) {
    case ExportFormat::kPem:
      return "application/x-pem-file";
    case ExportFormat::kDer:
      return "application/x-x509-ca-cert";
    case ExportFormat::kP12:
      return "application/x-pkcs12";
  }
  return "application/octet-stream";
}

std::string_view export_file_name(ExportFormat format) {
  switch (format) {
    case ExportFormat::kPem:
      return "flowscope-ca-cert.pem";
    case ExportFormat::kDer:
      return "flowscope-ca-cert.cer";
    case ExportFormat::kP12:
      return "flowscope-ca-cert.p12";
  }
  return "flowscope-ca-cert";
}

std::string ca_cert_pem(const CertificateAuthority& authority) {
  return cert_pem(authority.cert());
}

std::string ca_cert_der(const CertificateAuthority& authority) {
  return cert_der(authority.cert());
}

Result<std::string> ca_cert_p12(const CertificateAuthority& authority,
                                std::string_view passphrase) {
  return make_p12(nullptr, authority.cert(), passphrase, "flowscope CA");
}

Result<std::string> export_ca_cert(const CertificateAuthority& authority, ExportFormat format,
                                   std::string_view passphrase) {
  switch (format) {
    case ExportFormat::kPem:
      return ca_cert_pem(authority);
    case ExportFormat::kDer:
      return ca_cert_der(authority);
    case ExportFormat::kP12:
      return ca_cert_p12(authority, passphrase);
  }
  return fail("unknown export format");
}

std::string ca_fingerprint_sha256(const CertificateAuthority& authority) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(authority.cert(), EVP_sha256(), digest, &length) != 1) {
    take_openssl_errors();
    return {};
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(length * 3);
  for (unsigned int i = 0; i < length; ++i) {
    if (i != 0) out.push_back(':');
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0x0f]);
  }
  return out;
}

}  // namespace flowscope::ca
