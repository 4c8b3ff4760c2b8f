#include "core/store/har_timings.hpp"

#include <cmath>

namespace flowscope::store::har {

namespace {

// -1 for "did not happen", including the NaN or negative values a clock can produce.
double phase(double ms) {
  return std::isfinite(ms) && ms >= 0 ? round_to_us(ms) : -1;
}

}  // namespace

double round_to_us(double ms) {
  return std::round(ms * 1000.0) / 1000.0;
}

HarTimings to_har_timings(const flow::Timings& timings) {
  HarTimings har;
  har.dns = phase(timings.dns);
  har.ssl = phase(timings.tls);
  const double connect = phase(timings.connect);
  // A handshake without a recorded TCP connect (the connection was opened for an
  // earlier flow) still makes connect ≥ ssl, as HAR requires.
  if (har.ssl >= 0) {
    har.connect = round_to_us((connect >= 0 ? connect : 0) + har.ssl);
  } else {
    har.connect = connect;
  }
  har.send = std::max(0.0, phase(timings.send));
  har.wait = std::max(0.0, phase(timings.wait));
  har.receive = std::max(0.0, phase(timings.receive));
  return har;
}

flow::Timings from_har_timings(const HarTimings& har) {
  flow::Timings timings;
  timings.dns = phase(har.dns);
  timings.tls = phase(har.ssl);
  timings.connect = phase(har.connect);
  if (timings.connect >= 0 && timings.tls >= 0) {
    timings.connect = std::max(0.0, round_to_us(timings.connect - timings.tls));
  }
  timings.send = phase(har.send);
  timings.wait = phase(har.wait);
  timings.receive = phase(har.receive);
  return timings;
}

double total_time_ms(const HarTimings& har) {
  double total = 0;
  for (double ms : {har.blocked, har.dns, har.connect, har.send, har.wait, har.receive}) {
    if (ms > 0) total += ms;
  }
  return round_to_us(total);
}

}  // namespace flowscope::store::har
