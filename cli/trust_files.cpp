#include "cli/trust_files.hpp"

#include <openssl/objects.h>

#include <fstream>
#include <vector>

#include "ca/java_trust_store.hpp"
#include "ca/secure_file.hpp"

namespace flowscope::cli {

namespace fs = std::filesystem;

Result<fs::path> write_trust_bundle(const fs::path& dir, const std::string& ca_pem_path) {
  fs::path bundle = dir / "ca-bundle.pem";
  std::ofstream out(bundle, std::ios::binary);
  for (const std::string& source : {std::string(kSystemBundle), ca_pem_path}) {
    std::ifstream in(source, std::ios::binary);
    if (in) out << in.rdbuf() << "\n";
  }
  if (!out) return fail("cannot write " + bundle.string());
  return bundle;
}

namespace {

// "system-12-isrg-root-x1": unique by its index, readable in `keytool -list` by the
// subject's common name. Java lower-cases PKCS#12 aliases anyway.
std::string system_alias(std::size_t index, X509* cert) {
  std::string alias = "system-" + std::to_string(index);
  X509_NAME* subject = X509_get_subject_name(cert);
  const int position = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (position < 0) return alias;
  unsigned char* utf8 = nullptr;
  const int length =
      ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, position)));
  if (length <= 0) return alias;
  alias += '-';
  for (int i = 0; i < length; ++i) {
    const unsigned char c = utf8[i];
    const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (c >= 'A' && c <= 'Z')
      alias += static_cast<char>(c - 'A' + 'a');
    else if (keep)
      alias += static_cast<char>(c);
    else if (alias.back() != '-')
      alias += '-';
  }
  OPENSSL_free(utf8);
  if (alias.back() == '-') alias.pop_back();
  return alias;
}

}  // namespace

Result<fs::path> write_java_trust_store(const fs::path& dir, const std::string& ca_pem_path) {
  auto ca_text = ca::read_file(ca_pem_path);
  if (!ca_text) return fail(ca_text.error().message);
  auto ours = ca::parse_cert_bundle_pem(*ca_text);
  if (!ours || ours->empty()) return fail(ca_pem_path + " holds no certificate");
  std::vector<ca::TrustAnchor> anchors;
  anchors.push_back({"flowscope-ca", std::move(ours->front())});
  // A missing or unreadable system bundle leaves a store that trusts flowscope's CA alone.
  if (auto system_text = ca::read_file(kSystemBundle)) {
    if (auto system = ca::parse_cert_bundle_pem(*system_text)) {
      for (std::size_t i = 0; i < system->size(); ++i) {
        anchors.push_back({system_alias(i + 1, (*system)[i].get()), std::move((*system)[i])});
      }
    }
  }
  auto der = ca::java_trust_store_p12(anchors, kJavaTrustStorePassword);
  if (!der) return fail(der.error().message);
  fs::path store = dir / "java-truststore.p12";
  auto written = ca::write_file_atomic(store, *der, 0644);
  if (!written) return fail(written.error().message);
  return store;
}

}  // namespace flowscope::cli
