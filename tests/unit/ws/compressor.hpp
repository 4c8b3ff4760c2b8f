#pragma once
// A permessage-deflate sender for tests: zlib compressing one direction's messages the
// way RFC 7692 §7.2.1 says (raw DEFLATE, a sync flush, the trailing 00 00 ff ff removed).
#include <gtest/gtest.h>
#include <zlib.h>

#include <string>
#include <string_view>

#include "tests/unit/ws/ws_test_support.hpp"

namespace flowscope::ws::test {

// One direction's sender.
class Compressor {
 public:
  Compressor(int window_bits, bool no_context_takeover)
      : no_context_takeover_(no_context_takeover) {
    EXPECT_EQ(deflateInit2(&z_, 6, Z_DEFLATED, -window_bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
  }
  ~Compressor() { deflateEnd(&z_); }
  Compressor(const Compressor&) = delete;
  Compressor& operator=(const Compressor&) = delete;

  // One message's payload.
  std::string message(std::string_view data) {
    std::string out(deflateBound(&z_, static_cast<uLong>(data.size())) + 64, '\0');
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z_.avail_in = static_cast<uInt>(data.size());
    z_.next_out = reinterpret_cast<Bytef*>(out.data());
    z_.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(deflate(&z_, Z_SYNC_FLUSH), Z_OK);
    EXPECT_EQ(z_.avail_in, 0u);
    out.resize(out.size() - z_.avail_out);
    EXPECT_GE(out.size(), 4u);
    EXPECT_EQ(out.substr(out.size() - 4), bytes({0x00, 0x00, 0xff, 0xff}));
    out.resize(out.size() - 4);
    if (no_context_takeover_) deflateReset(&z_);
    return out;
  }

 private:
  z_stream z_{};
  bool no_context_takeover_;
};

}  // namespace flowscope::ws::test
