#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "histogram.hpp"

namespace flowscope::loadgen {

// Why a request failed. A request counts exactly once: completed, or one of these.
enum class ErrorKind : uint8_t {
  kConnect,  // TCP connect failed
  kProxy,    // the proxy refused or garbled the CONNECT
  kTls,      // handshake or verification failed, or a TLS error mid-stream
  kRead,     // socket read error (reset...)
  kWrite,    // socket write error
  kEof,      // the peer closed before the response was complete
  kParse,    // malformed response
  kTimeout,  // --timeout-ms passed
};
inline constexpr size_t kErrorKinds = 8;
std::string_view error_kind_name(ErrorKind kind);

// Per-worker counters; merged after the run, so no field is shared between threads.
struct Stats {
  uint64_t completed = 0;
  std::array<uint64_t, 6> status_classes{};  // [n] counts nxx responses; [0] anything else
  std::array<uint64_t, kErrorKinds> errors{};
  std::array<std::string, kErrorKinds> first_error;  // one example message per kind
  uint64_t connections = 0;  // connections that got ready to send (after CONNECT and TLS)
  uint64_t resp_body_bytes = 0;
  uint64_t req_body_bytes = 0;
  uint64_t rx_bytes = 0;  // socket level, TLS records and heads included
  uint64_t tx_bytes = 0;
  Histogram latency_ns;  // request start to last response byte
  Histogram connect_ns;  // TCP connect + proxy CONNECT + TLS handshake

  void add_error(ErrorKind kind, std::string_view message);
  uint64_t error_total() const;
  void merge(const Stats& other);
};

}  // namespace flowscope::loadgen
