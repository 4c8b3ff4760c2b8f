#include "ca/openssl_error.hpp"

#include <openssl/err.h>

namespace flowscope::ca {

std::string take_openssl_errors() {
  std::string out;
  while (unsigned long code = ERR_get_error()) {
    if (!out.empty()) out += "; ";
    if (const char* reason = ERR_reason_error_string(code)) {
      out += reason;
    } else {
      char buffer[256];
      ERR_error_string_n(code, buffer, sizeof buffer);
      out += buffer;
    }
  }
  return out;
}

std::string openssl_suffix() {
  std::string reasons = take_openssl_errors();
  return reasons.empty() ? std::string() : " (OpenSSL: " + reasons + ")";
}

}  // namespace flowscope::ca
