#pragma once
// Small helpers shared by the libuv driver code.
#include <netinet/in.h>
#include <sys/socket.h>
#include <uv.h>

#include <cstddef>
#include <string>
#include <vector>

namespace flowscope::net {

// "ip:port", with brackets around IPv6 addresses.
std::string format_address(const sockaddr* addr);
std::string peer_address(const uv_tcp_t* tcp);
std::string uv_message(int status);

// Reads land in one buffer per thread: sessions copy what they keep, so a read
// never allocates.
void alloc_read_buffer(uv_handle_t* handle, std::size_t suggested, uv_buf_t* buf);

// A write whose bytes live until libuv is done with them. Several pieces go out
// in one writev: a response head and its body cost one syscall, not two.
struct WriteRequest {
  uv_write_t req;
  std::vector<std::string> pieces;
  void* owner;
};

// Queues `pieces` on `stream`; on success the request owns them until `done` runs.
// On failure the request is deleted and the libuv error returned.
int start_write(uv_stream_t* stream, std::vector<std::string> pieces, void* owner, uv_write_cb done);

// Resolves `host` for `port` into sockaddrs synchronously when it is an IP literal.
bool parse_ip_literal(const std::string& host, std::uint16_t port, sockaddr_storage* out);

}  // namespace flowscope::net
