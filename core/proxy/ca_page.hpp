#pragma once
// The magic host http://cert.flowscope/ (like mitmproxy's mitm.it): requests for it
// through the proxy are answered by the proxy itself, never forwarded, so that a
// phone pointed at the proxy can download and install the CA.
#include <optional>
#include <string>
#include <string_view>

#include "core/http/message.hpp"

namespace flowscope::proxy {

inline constexpr std::string_view kCaPageHost = "cert.flowscope";

struct CaDownloads {
  std::string pem;
  std::string der;
  std::string p12;
  std::string fingerprint_sha256;
};

struct CaPageAnswer {
  int status = 200;
  http::Headers headers;
  std::string body;
};

// The answer for `path` (origin-form, query ignored): the page, or one of the files.
CaPageAnswer answer_ca_page(const CaDownloads& downloads, std::string_view path);

}  // namespace flowscope::proxy
