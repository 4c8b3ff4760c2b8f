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
// The IP the peer connected to, without the port ("127.0.0.1", "::1"); "" when the
// socket cannot say. A listener on :: accepts IPv4 clients too, and their local
// address is then IPv4-mapped (::ffff:127.0.0.1): it is given as the IPv4 address
// the client dialled, which is what a certificate for that address must name.
std::string local_ip(const uv_tcp_t* tcp);
std::string uv_message(int status);

// Resolves `host` for `port` into sockaddrs synchronously when it is an IP literal.
bool parse_ip_literal(const std::string& host, std::uint16_t port, sockaddr_storage* out);

}  // namespace flowscope::net
