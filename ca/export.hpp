#pragma once
// The CA certificate in the forms users install it from: `flowscope ca export` and the
// certificate download page. Only the certificate leaves the machine, never the CA key.
#include <optional>
#include <string>
#include <string_view>

#include "ca/authority.hpp"
#include "core/result.hpp"

namespace flowscope::ca {

enum class ExportFormat { kPem, kDer, kP12 };

// "pem", "der" or "p12" (also "crt"/"cer" for DER, "pfx" for P12).
std::optional<ExportFormat> parse_export_format(std::string_view text);
// The MIME type a download page serves the format with.
std::string_view content_type(ExportFormat format);
// "flowscope-ca-cert.pem" and so on, for Content-Disposition and saved files.
std::string_view export_file_name(ExportFormat format);

std::string ca_cert_pem(const CertificateAuthority& authority);
std::string ca_cert_der(const CertificateAuthority& authority);
// A PKCS#12 holding the certificate only (Windows' and macOS's import format), protected by
// `passphrase` (empty by default).
Result<std::string> ca_cert_p12(const CertificateAuthority& authority,
                                std::string_view passphrase = {});
Result<std::string> export_ca_cert(const CertificateAuthority& authority, ExportFormat format,
                                   std::string_view passphrase = {});

// SHA-256 of the DER certificate as colon-separated upper-case hex ("AB:CD:…"), the form
// browsers and `openssl x509 -fingerprint -sha256` show.
std::string ca_fingerprint_sha256(const CertificateAuthority& authority);

}  // namespace flowscope::ca
