#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace flowscope::loadgen {

struct Url {
  bool tls = false;  // https
  std::string host;  // without brackets for IPv6 literals
  uint16_t port = 0;
  std::string path;  // origin-form target: path and query, at least "/"
};

std::expected<Url, std::string> parse_url(std::string_view text);

// "host:port" for CONNECT and proxies; IPv6 literals get brackets.
std::string authority(std::string_view host, uint16_t port);

// The Host header value: the port is left out when it is the scheme's default.
std::string host_header(std::string_view host, uint16_t port, bool tls);

// Splits "host:port" (or "[v6]:port"); the error names what is wrong.
std::expected<std::pair<std::string, uint16_t>, std::string> split_host_port(std::string_view text);

}  // namespace flowscope::loadgen
