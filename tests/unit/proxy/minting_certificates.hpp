#pragma once
// A certificate source for session tests: mints a self-signed leaf per name and
// remembers what it was asked (the names, and whether any request came with the
// origin's certificate to copy from).
#include <memory>
#include <string>
#include <vector>

#include "core/tls/certificate_source.hpp"
#include "tests/unit/tls/self_signed.hpp"

namespace flowscope::proxy::testing {

class MintingCertificates : public tls::CertificateSource {
 public:
  Result<tls::LeafCertificate> leaf_for(const std::string& name, X509* upstream) override {
    names.push_back(name);
    saw_upstream = saw_upstream || upstream != nullptr;
    last = std::make_shared<tls::testing::SelfSigned>(tls::testing::make_self_signed(name));
    return tls::LeafCertificate{last->cert.get(), last->key.get(), last};
  }
  std::vector<std::string> names;
  bool saw_upstream = false;
  std::shared_ptr<tls::testing::SelfSigned> last;
};

}  // namespace flowscope::proxy::testing
