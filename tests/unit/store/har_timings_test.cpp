// Flow timings ↔ HAR timings: HAR's connect includes ssl, send/wait/receive are never -1.
#include <gtest/gtest.h>

#include <cmath>

#include "core/store/har_timings.hpp"

namespace flowscope::store::har {
namespace {

TEST(HarTimings, ConnectIncludesSsl) {
  const HarTimings har = to_har_timings(
      {.dns = 1.5, .connect = 10.25, .tls = 20.125, .send = 0.5, .wait = 30, .receive = 2});
  EXPECT_EQ(har.blocked, -1);
  EXPECT_EQ(har.dns, 1.5);
  EXPECT_EQ(har.connect, 30.375);
  EXPECT_EQ(har.ssl, 20.125);
  EXPECT_EQ(har.send, 0.5);
  EXPECT_EQ(har.wait, 30);
  EXPECT_EQ(har.receive, 2);
  // ssl is inside connect, so it is not added again.
  EXPECT_EQ(total_time_ms(har), 1.5 + 30.375 + 0.5 + 30 + 2);
}

TEST(HarTimings, PhasesThatDidNotHappen) {
  const HarTimings har = to_har_timings(flow::Timings{});
  EXPECT_EQ(har.dns, -1);
  EXPECT_EQ(har.connect, -1);
  EXPECT_EQ(har.ssl, -1);
  // HAR 1.2: send, wait and receive are required to be non-negative.
  EXPECT_EQ(har.send, 0);
  EXPECT_EQ(har.wait, 0);
  EXPECT_EQ(har.receive, 0);
  EXPECT_EQ(total_time_ms(har), 0);
}

TEST(HarTimings, HandshakeOnAReusedConnectionStillFitsInsideConnect) {
  const HarTimings har =
      to_har_timings({.dns = -1, .connect = -1, .tls = 7.5, .send = 0, .wait = 1, .receive = 1});
  EXPECT_EQ(har.ssl, 7.5);
  EXPECT_EQ(har.connect, 7.5);
}

TEST(HarTimings, NonFiniteAndNegativeClockValuesAreNotApplicable) {
  const HarTimings har = to_har_timings(
      {.dns = NAN, .connect = -3, .tls = INFINITY, .send = -0.5, .wait = NAN, .receive = 1});
  EXPECT_EQ(har.dns, -1);
  EXPECT_EQ(har.connect, -1);
  EXPECT_EQ(har.ssl, -1);
  EXPECT_EQ(har.send, 0);
  EXPECT_EQ(har.wait, 0);
  EXPECT_EQ(har.receive, 1);
}

TEST(HarTimings, ImportSubtractsSslFromConnect) {
  const flow::Timings t = from_har_timings({.blocked = 4,
                                      .dns = 11.368,
                                      .connect = 45.664,
                                      .ssl = 33.175,
                                      .send = 0,
                                      .wait = 317.101,
                                      .receive = 1.668});
  EXPECT_EQ(t.dns, 11.368);
  EXPECT_DOUBLE_EQ(t.connect, 12.489);
  EXPECT_EQ(t.tls, 33.175);
  EXPECT_EQ(t.send, 0);
  EXPECT_EQ(t.wait, 317.101);
  EXPECT_EQ(t.receive, 1.668);
}

TEST(HarTimings, ImportKeepsMinusOneAndRepairsImpossibleValues) {
  flow::Timings t = from_har_timings(
      {.blocked = -1, .dns = -1, .connect = 20, .ssl = -1, .send = -1, .wait = -1, .receive = -1});
  EXPECT_EQ(t.dns, -1);
  EXPECT_EQ(t.connect, 20);
  EXPECT_EQ(t.tls, -1);
  EXPECT_EQ(t.send, -1);
  // An exporter that broke the "connect includes ssl" rule: connect cannot go negative.
  t = from_har_timings(
      {.blocked = -1, .dns = -1, .connect = 3, .ssl = 5, .send = 0, .wait = 0, .receive = 0});
  EXPECT_EQ(t.connect, 0);
  EXPECT_EQ(t.tls, 5);
  t = from_har_timings(
      {.blocked = -1, .dns = -7, .connect = -2, .ssl = -1, .send = 0, .wait = 0, .receive = 0});
  EXPECT_EQ(t.dns, -1);
  EXPECT_EQ(t.connect, -1);
}

TEST(HarTimings, RoundTripIsStableAtMicrosecondPrecision) {
  const flow::Timings start{.dns = 0.1 + 0.2,
                      .connect = 1.0 / 3,
                      .tls = 2.0 / 3,
                      .send = 0.0004,
                      .wait = 12.3456789,
                      .receive = 5};
  const HarTimings first = to_har_timings(start);
  EXPECT_EQ(first.dns, 0.3);
  EXPECT_EQ(first.send, 0);
  EXPECT_EQ(first.wait, 12.346);
  const HarTimings second = to_har_timings(from_har_timings(first));
  EXPECT_EQ(second.dns, first.dns);
  EXPECT_EQ(second.connect, first.connect);
  EXPECT_EQ(second.ssl, first.ssl);
  EXPECT_EQ(second.wait, first.wait);
  EXPECT_EQ(total_time_ms(second), total_time_ms(first));
}

}  // namespace
}  // namespace flowscope::store::har
