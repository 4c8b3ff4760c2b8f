#pragma once
// The magic host http://cert.flowscope/ (like mitmproxy's mitm.it): requests for it
// through the proxy are answered by the proxy itself, never forwarded, so that a
// phone pointed at the proxy can download and install the CA.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/http/message.hpp"
#include "core/proxy/hooks.hpp"

namespace flowscope::proxy {

inline constexpr std::string_view kCaPageHost = "cert.flowscope";

struct CaDownloads {
  std::string pem;
  std::string der;
  std::string p12;
  std::string fingerprint_sha256;
};

using CaPageAnswer = LocalResponse;

// The answer for `path` (origin-form, query ignored): the page, or one of the files.
CaPageAnswer answer_ca_page(const CaDownloads& downloads, std::string_view path);

// Answers requests for http://cert.flowscope/… at the request-head hook, so they
// are never forwarded.
class CaPageHook : public Hook {
 public:
  explicit CaPageHook(std::shared_ptr<const CaDownloads> downloads) : downloads_(std::move(downloads)) {}
  HookAnswer on_hook(HookPoint point, flow::Flow& flow) override;

 private:
  std::shared_ptr<const CaDownloads> downloads_;
};

}  // namespace flowscope::proxy
