#include "core/net/uv_util.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace flowscope::net {

std::string format_address(const sockaddr* addr) {
  char ip[INET6_ADDRSTRLEN] = {0};
  if (addr->sa_family == AF_INET) {
    auto* in = reinterpret_cast<const sockaddr_in*>(addr);
    uv_ip4_name(in, ip, sizeof ip);
    return std::string(ip) + ":" + std::to_string(ntohs(in->sin_port));
  }
  if (addr->sa_family == AF_INET6) {
    auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
    uv_ip6_name(in6, ip, sizeof ip);
    return "[" + std::string(ip) + "]:" + std::to_string(ntohs(in6->sin6_port));
  }
  return "?";
}

std::string peer_address(const uv_tcp_t* tcp) {
  sockaddr_storage storage{};
  int len = sizeof storage;
  if (uv_tcp_getpeername(tcp, reinterpret_cast<sockaddr*>(&storage), &len) != 0) return "?";
  return format_address(reinterpret_cast<sockaddr*>(&storage));
}

std::string local_ip(const uv_tcp_t* tcp) {
  sockaddr_storage storage{};
  int len = sizeof storage;
  if (uv_tcp_getsockname(tcp, reinterpret_cast<sockaddr*>(&storage), &len) != 0) return "";
  char ip[INET6_ADDRSTRLEN] = {0};
  if (storage.ss_family == AF_INET) {
    uv_ip4_name(reinterpret_cast<const sockaddr_in*>(&storage), ip, sizeof ip);
    return ip;
  }
  if (storage.ss_family != AF_INET6) return "";
  const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&storage);
  if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
    // The last four bytes are the IPv4 address.
    in_addr v4{};
    std::memcpy(&v4, in6->sin6_addr.s6_addr + 12, sizeof v4);
    return inet_ntop(AF_INET, &v4, ip, sizeof ip) != nullptr ? ip : "";
  }
  uv_ip6_name(in6, ip, sizeof ip);
  return ip;
}

std::string uv_message(int status) { return std::string(uv_strerror(status)); }

bool parse_ip_literal(const std::string& host, std::uint16_t port, sockaddr_storage* out) {
  *out = sockaddr_storage{};
  if (uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(out)) == 0) return true;
  if (uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(out)) == 0) return true;
  return false;
}

}  // namespace flowscope::net
