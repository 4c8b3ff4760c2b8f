#include "report.hpp"

#include <cstdio>
#include <string>

namespace flowscope::loadgen {

namespace {

// Rates use decimal megabytes (1e6 bytes), as wrk and curl do.
double mb_per_s(const RunResult& run) {
  double bytes = static_cast<double>(run.stats.resp_body_bytes + run.stats.req_body_bytes);
  return run.elapsed_s > 0 ? bytes / 1e6 / run.elapsed_s : 0;
}

double per_s(uint64_t n, double seconds) {
  return seconds > 0 ? static_cast<double>(n) / seconds : 0;
}

double ms(uint64_t ns) {
  return static_cast<double>(ns) / 1e6;
}

std::string format(const char* fmt, auto... args) {
  char buf[256];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

std::string histogram_line(const Histogram& h) {
  return format("p50 %.3f  p90 %.3f  p99 %.3f  max %.3f  mean %.3f ms", ms(h.percentile(50)),
                ms(h.percentile(90)), ms(h.percentile(99)), ms(h.max()), h.mean() / 1e6);
}

nlohmann::json histogram_json(const Histogram& h) {
  return {{"count", h.count()},          {"min", ms(h.min())},
          {"p50", ms(h.percentile(50))}, {"p90", ms(h.percentile(90))},
          {"p99", ms(h.percentile(99))}, {"p999", ms(h.percentile(99.9))},
          {"max", ms(h.max())},          {"mean", h.mean() / 1e6}};
}

}  // namespace

void print_summary(std::ostream& out, const RunResult& run) {
  const auto& o = run.options;
  const auto& s = run.stats;
  out << format("loadgen: %u connections, %u thread(s), %s, %s, %zu origin(s)\n", o.connections,
                o.threads, o.new_connection ? "new connection per request" : "keep-alive",
                o.proxy.empty() ? "direct" : ("proxy " + o.proxy).c_str(), run.origin_count);
  out << format(
      "  completed   %llu  (1xx %llu, 2xx %llu, 3xx %llu, 4xx %llu, 5xx %llu, other %llu)\n",
      static_cast<unsigned long long>(s.completed),
      static_cast<unsigned long long>(s.status_classes[1]),
      static_cast<unsigned long long>(s.status_classes[2]),
      static_cast<unsigned long long>(s.status_classes[3]),
      static_cast<unsigned long long>(s.status_classes[4]),
      static_cast<unsigned long long>(s.status_classes[5]),
      static_cast<unsigned long long>(s.status_classes[0]));
  out << format("  errors      %llu", static_cast<unsigned long long>(s.error_total()));
  for (size_t i = 0; i < kErrorKinds; ++i) {
    if (s.errors[i] == 0) continue;
    out << format("  %s %llu", std::string(error_kind_name(static_cast<ErrorKind>(i))).c_str(),
                  static_cast<unsigned long long>(s.errors[i]));
  }
  out << '\n';
  for (size_t i = 0; i < kErrorKinds; ++i) {
    if (s.errors[i] == 0) continue;
    out << "    e.g. " << error_kind_name(static_cast<ErrorKind>(i)) << ": " << s.first_error[i]
        << '\n';
  }
  out << format("  elapsed     %.3f s\n", run.elapsed_s);
  out << format("  rate        %.1f req/s\n", per_s(s.completed, run.elapsed_s));
  out << format(
      "  throughput  %.2f MB/s bodies (down %llu B, up %llu B); socket rx %.2f MB/s, tx %.2f "
      "MB/s\n",
      mb_per_s(run), static_cast<unsigned long long>(s.resp_body_bytes),
      static_cast<unsigned long long>(s.req_body_bytes), per_s(s.rx_bytes, run.elapsed_s) / 1e6,
      per_s(s.tx_bytes, run.elapsed_s) / 1e6);
  out << "  latency     " << histogram_line(s.latency_ns) << '\n';
  out << format("  connect     %llu opened; ", static_cast<unsigned long long>(s.connections))
      << histogram_line(s.connect_ns) << '\n';
}

nlohmann::json to_json(const RunResult& run) {
  const auto& o = run.options;
  const auto& s = run.stats;
  nlohmann::json errors_by_kind = nlohmann::json::object();
  nlohmann::json examples = nlohmann::json::object();
  for (size_t i = 0; i < kErrorKinds; ++i) {
    std::string name(error_kind_name(static_cast<ErrorKind>(i)));
    errors_by_kind[name] = s.errors[i];
    if (!s.first_error[i].empty()) examples[name] = s.first_error[i];
  }
  return {
      {"config",
       {{"urls", o.urls},
        {"proxy", o.proxy},
        {"connections", o.connections},
        {"threads", o.threads},
        {"requests", o.requests},
        {"duration_s", o.duration_s},
        {"new_connection", o.new_connection},
        {"method", o.method},
        {"body_size", o.body_size},
        {"origins", run.origin_count},
        {"tls_verify", !o.insecure},
        {"timeout_ms", o.timeout_ms}}},
      {"elapsed_s", run.elapsed_s},
      {"completed", s.completed},
      {"status",
       {{"1xx", s.status_classes[1]},
        {"2xx", s.status_classes[2]},
        {"3xx", s.status_classes[3]},
        {"4xx", s.status_classes[4]},
        {"5xx", s.status_classes[5]},
        {"other", s.status_classes[0]}}},
      {"errors", {{"total", s.error_total()}, {"by_kind", errors_by_kind}, {"examples", examples}}},
      {"requests_per_s", per_s(s.completed, run.elapsed_s)},
      {"throughput",
       {{"mb_per_s", mb_per_s(run)},
        {"response_body_bytes", s.resp_body_bytes},
        {"request_body_bytes", s.req_body_bytes},
        {"socket_rx_bytes", s.rx_bytes},
        {"socket_tx_bytes", s.tx_bytes}}},
      {"latency_ms", histogram_json(s.latency_ns)},
      {"connections_opened", s.connections},
      {"connect_ms", histogram_json(s.connect_ns)},
  };
}

}  // namespace flowscope::loadgen
