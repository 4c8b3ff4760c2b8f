#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <vector>

namespace flowscope::loadgen {

struct Options {
  std::vector<std::string> urls;
  std::string proxy;  // "host:port"; empty means connect to the origin directly
  unsigned connections = 10;
  unsigned threads = 1;
  uint64_t requests = 0;  // 0: no count limit (the duration bounds the run)
  double duration_s = 0;  // 0: no time limit (the count bounds the run)
  bool new_connection = false;
  std::string method;  // resolved by parse_options: GET, or POST when a body is sent
  uint64_t body_size = 0;
  std::vector<std::string> headers;  // extra "Name: value" lines
  std::string hosts_file;
  unsigned host_count = 0;
  std::string host_pattern = "h{}.test";
  std::string resolve_to;  // IP to connect to for every host when going direct
  bool insecure = false;
  std::string cacert;
  std::string json_path;
  uint64_t timeout_ms = 30000;  // 0 disables
};

// Parses and validates argv. The error is the process exit code: CLI11 has already printed the
// message or the help text (so --help yields 0).
std::expected<Options, int> parse_options(int argc, char** argv);

}  // namespace flowscope::loadgen
