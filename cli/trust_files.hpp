#pragma once
// The trust files `flowscope record` writes into its temporary directory for the child:
// tools whose CA variable replaces the system roots instead of adding to them get the
// system roots plus flowscope's CA, so blind-tunnelled hosts keep working for them.
#include <filesystem>
#include <string>

#include "core/result.hpp"

namespace flowscope::cli {

// Where Debian keeps the system trust store as one PEM bundle.
inline constexpr const char* kSystemBundle = "/etc/ssl/certs/ca-certificates.crt";

// The password of the Java trust store. It guards nothing (the store holds only public
// certificates), but Java checks the file's integrity MAC only when given one.
inline constexpr const char* kJavaTrustStorePassword = "changeit";

// dir/ca-bundle.pem: the system bundle, then the CA certificate at ca_pem_path.
Result<std::filesystem::path> write_trust_bundle(const std::filesystem::path& dir,
                                                 const std::string& ca_pem_path);

// dir/java-truststore.p12: the same certificates as a PKCS#12 trust store for Java
// (see ca/java_trust_store.hpp), flowscope's CA under the alias "flowscope-ca".
Result<std::filesystem::path> write_java_trust_store(const std::filesystem::path& dir,
                                                     const std::string& ca_pem_path);

}  // namespace flowscope::cli
