#pragma once
// Small helpers shared by the libuv driver code.
#include <netinet/in.h>
#include <sys/socket.h>
#include <uv.h>

#include <cstdint>
#include <string>

namespace flowscope::net {

// "ip:port", with brackets around IPv6 addresses.
std::string format_address(const sockaddr* addr);
std::string peer_address(const uv_tcp_t* tcp);
std::string uv_message(int status);

// Resolves `host` for `port` into sockaddrs synchronously when it is an IP literal.
bool parse_ip_literal(const std::string& host, std::uint16_t port, sockaddr_storage* out);

}  // namespace flowscope::net
