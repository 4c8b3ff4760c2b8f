#pragma once
// Parsers for the values of command-line flags that CLI11 cannot check alone.
#include <cstdint>
#include <string>
#include <vector>

#include "core/proxy/config.hpp"
#include "core/result.hpp"

namespace flowscope::cli {

struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
};

// "127.0.0.1:8080", "[::1]:0"
Result<ListenAddress> parse_listen(const std::string& text);
// "example.com:443:127.0.0.1", "example.com:443:[::1]"
Result<proxy::ResolveOverride> parse_resolve(const std::string& text);
// "http://[user:pass@]host:port"
Result<proxy::UpstreamProxy> parse_upstream_proxy(const std::string& text);
// "443,8443"
Result<std::vector<std::uint16_t>> parse_port_list(const std::string& text);

}  // namespace flowscope::cli
