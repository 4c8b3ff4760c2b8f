#include "stats.hpp"

namespace flowscope::loadgen {

std::string_view error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kConnect:
      return "connect";
    case ErrorKind::kProxy:
      return "proxy";
    case ErrorKind::kTls:
      return "tls";
    case ErrorKind::kRead:
      return "read";
    case ErrorKind::kWrite:
      return "write";
    case ErrorKind::kEof:
      return "eof";
    case ErrorKind::kParse:
      return "parse";
    case ErrorKind::kTimeout:
      return "timeout";
  }
  return "unknown";
}

void Stats::add_error(ErrorKind kind, std::string_view message) {
  auto i = static_cast<size_t>(kind);
  ++errors[i];
  if (first_error[i].empty()) first_error[i] = message;
}

uint64_t Stats::error_total() const {
  uint64_t total = 0;
  for (auto n : errors) total += n;
  return total;
}

void Stats::merge(const Stats& other) {
  completed += other.completed;
  for (size_t i = 0; i < status_classes.size(); ++i) status_classes[i] += other.status_classes[i];
  for (size_t i = 0; i < kErrorKinds; ++i) {
    errors[i] += other.errors[i];
    if (first_error[i].empty()) first_error[i] = other.first_error[i];
  }
  connections += other.connections;
  resp_body_bytes += other.resp_body_bytes;
  req_body_bytes += other.req_body_bytes;
  rx_bytes += other.rx_bytes;
  tx_bytes += other.tx_bytes;
  latency_ns.merge(other.latency_ns);
  connect_ns.merge(other.connect_ns);
}

}  // namespace flowscope::loadgen
