#include "core/tls/server_name.hpp"

#include <arpa/inet.h>

#include <string>

namespace flowscope::tls {

namespace {

constexpr std::size_t kMaxDnsName = 253;
constexpr std::size_t kMaxLabel = 63;

bool is_ip_literal(std::string_view name) {
  if (name.size() > INET6_ADDRSTRLEN) return false;
  const std::string copy(name);
  unsigned char bytes[16];
  return inet_pton(AF_INET, copy.c_str(), bytes) == 1 || inet_pton(AF_INET6, copy.c_str(), bytes) == 1;
}

bool is_dns_name(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty() || name.size() > kMaxDnsName) return false;
  std::size_t label = 0;
  for (const char c : name) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok || ++label > kMaxLabel) return false;
  }
  return label > 0;
}

}  // namespace

bool is_usable_server_name(std::string_view name) { return is_ip_literal(name) || is_dns_name(name); }

}  // namespace flowscope::tls
