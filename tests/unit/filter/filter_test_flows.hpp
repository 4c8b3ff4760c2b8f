#pragma once
// Sample flows for the filter tests, and a one-line "does EXPR match FLOW".
#include <gtest/gtest.h>
#include <zlib.h>

#include <string>
#include <string_view>

#include "core/filter/filter.hpp"
#include "core/flow/flow.hpp"

namespace flowscope::filter::testing {

// A finished GET https://api.example.com/v1/items?page=2 answered 200 with JSON.
inline flow::Flow api_flow() {
  flow::Flow flow;
  flow.id = "1-1";
  flow.client_address = "127.0.0.1:53122";
  flow.server_address = "93.184.216.34:443";
  flow.scheme = "https";
  flow.request.method = "GET";
  flow.request.url = "https://api.example.com/v1/items?page=2";
  flow.request.http_version = "HTTP/1.1";
  flow.request.headers.add("Host", "api.example.com");
  flow.request.headers.add("Accept", "application/json");
  flow.request.headers.add("X-Request-Id", "abc-123");
  flow::Response response;
  response.status = 200;
  response.reason = "OK";
  response.http_version = "HTTP/1.1";
  response.headers.add("Content-Type", "application/json; charset=utf-8");
  response.headers.add("Set-Cookie", "session=s3cr3t");
  response.body.data = R"({"items":[{"name":"widget"}]})";
  response.body.size = response.body.data.size();
  flow.response = std::move(response);
  flow.timings = {-1, 2, 5, 1, 40, 3};
  return flow;
}

inline std::string gzip(std::string_view data) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// Compiles `expression` (failing the test when it does not) and matches it.
inline bool matches(std::string_view expression, const flow::Flow& flow) {
  auto filter = Filter::compile(expression);
  EXPECT_TRUE(filter) << expression << ": " << (filter ? "" : filter.error().message);
  return filter && filter->matches(flow);
}

// The whole error message of an expression that must not compile.
inline std::string error_of(std::string_view expression) {
  auto filter = Filter::compile(expression);
  EXPECT_FALSE(filter) << expression << " compiled";
  return filter ? std::string() : filter.error().message;
}

}  // namespace flowscope::filter::testing
