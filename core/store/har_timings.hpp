#pragma once
// Flow timings ↔ HAR 1.2 timings. Two rules of HAR shape the mapping: `connect`
// includes `ssl` (kept from HAR 1.1), and send, wait and receive are never -1.
#include "core/flow/flow.hpp"

namespace flowscope::store::har {

struct HarTimings {
  double blocked = -1;
  double dns = -1;
  double connect = -1;  // includes ssl
  double ssl = -1;
  double send = 0;
  double wait = 0;
  double receive = 0;
};

// Values are rounded to the microsecond: finer digits are noise from float
// arithmetic, and rounding makes export → import → export reproduce the same numbers.
HarTimings to_har_timings(const flow::Timings& timings);
// Inverse of to_har_timings where HAR allows it: connect = HAR connect - ssl.
// Negative or non-finite values in a foreign HAR mean "did not happen" (-1).
flow::Timings from_har_timings(const HarTimings& har);

// HAR's entry.time: the sum of the phases that happened (ssl is inside connect).
double total_time_ms(const HarTimings& har);

double round_to_us(double ms);

}  // namespace flowscope::store::har
