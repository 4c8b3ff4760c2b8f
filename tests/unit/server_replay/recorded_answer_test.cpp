// A recorded response served again: what is kept, what is dropped, and why the
// Content-Encoding header always matches the bytes sent; and the 502 for a miss.
#include "core/server_replay/recorded_answer.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include "tests/unit/server_replay/recorded_flows.hpp"

namespace flowscope::server_replay {
namespace {

using testing::exchange;
using testing::request;

std::string gzip(const std::string& text) {
  z_stream z{};
  deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(compressBound(static_cast<uLong>(text.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::vector<std::string> names(const http::Headers& headers) {
  std::vector<std::string> out;
  for (const auto& h : headers.items) out.push_back(h.name);
  return out;
}

TEST(RecordedAnswer, StatusHeadersAndBodyWithoutTheHopByHopOnes) {
  flow::Flow f = exchange("1-1", request("GET", "http://x.test/"), 201, "created", "text/plain");
  f.response->headers.add("Set-Cookie", "a=1");
  f.response->headers.add("Set-Cookie", "b=2");
  f.response->headers.add("Connection", "keep-alive, X-Hop");
  f.response->headers.add("X-Hop", "only for the hop");
  f.response->headers.add("Keep-Alive", "timeout=5");
  f.response->headers.add("Transfer-Encoding", "chunked");
  proxy::LocalResponse answer = recorded_answer(*f.response);
  EXPECT_EQ(answer.status, 201);
  EXPECT_EQ(answer.body, "created");
  EXPECT_EQ(names(answer.headers), (std::vector<std::string>{"Content-Type", "Set-Cookie", "Set-Cookie"}))
      << "Content-Length and Transfer-Encoding are the proxy's to set";
}

TEST(RecordedAnswer, AnEncodedBodyKeepsItsContentEncoding) {
  const std::string wire = gzip(R"({"message":"compressed"})");
  flow::Flow f = exchange("1-1", request("GET", "http://x.test/"), 200, wire, "application/json");
  f.response->headers.add("Content-Encoding", "gzip");
  proxy::LocalResponse answer = recorded_answer(*f.response);
  EXPECT_EQ(answer.body, wire);
  ASSERT_NE(answer.headers.find("Content-Encoding"), nullptr);
  EXPECT_EQ(*answer.headers.find("Content-Encoding"), "gzip");
}

TEST(RecordedAnswer, ADecodedBodyLosesTheContentEncodingItIsNotIn) {
  // HAR keeps bodies decoded under the original header.
  flow::Flow f = exchange("har-1", request("GET", "http://x.test/"), 200, R"({"message":"decoded"})",
                          "application/json");
  f.response->headers.add("Content-Encoding", "br");
  proxy::LocalResponse answer = recorded_answer(*f.response);
  EXPECT_EQ(answer.body, R"({"message":"decoded"})");
  EXPECT_EQ(answer.headers.find("Content-Encoding"), nullptr);
}

TEST(RecordedAnswer, ACutEncodedBodyIsLeftAsRecorded) {
  flow::Flow f = exchange("1-1", request("GET", "http://x.test/"), 200, gzip(std::string(5000, 'z')).substr(0, 10));
  f.response->headers.add("Content-Encoding", "gzip");
  f.response->body.size = 40;
  f.response->body.truncated = true;
  EXPECT_NE(recorded_answer(*f.response).headers.find("Content-Encoding"), nullptr);
}

TEST(RecordedAnswer, AnEmptyBodyKeepsItsHeaders) {
  flow::Flow f = exchange("1-1", request("HEAD", "http://x.test/"), 304, "");
  f.response->headers.add("Content-Encoding", "gzip");
  f.response->headers.add("ETag", "\"v1\"");
  proxy::LocalResponse answer = recorded_answer(*f.response);
  EXPECT_EQ(answer.status, 304);
  EXPECT_NE(answer.headers.find("Content-Encoding"), nullptr);
  EXPECT_NE(answer.headers.find("ETag"), nullptr);
}

TEST(UnmatchedAnswer, NamesTheRequestAndSaysHowToRecordIt) {
  proxy::LocalResponse answer =
      unmatched_answer(request("POST", "https://api.test/v1/items?x=1"), "api.har", "");
  EXPECT_EQ(answer.status, 502);
  ASSERT_NE(answer.headers.find("Content-Type"), nullptr);
  EXPECT_EQ(*answer.headers.find("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(answer.body,
            "flowscope server replay: no recorded response for POST https://api.test/v1/items?x=1\n"
            "The recording api.har has no request with this method, URL (query parameters in any order) and body.\n"
            "Record it with: flowscope record -o FILE.har -- CMD (then serve the new FILE.har), or pass "
            "--passthrough to forward unmatched requests to the origin.\n");
}

TEST(UnmatchedAnswer, CarriesTheHint) {
  proxy::LocalResponse answer = unmatched_answer(request("GET", "http://x.test/"), "a.jsonl", "a near miss");
  EXPECT_NE(answer.body.find("\na near miss\n"), std::string::npos) << answer.body;
}

}  // namespace
}  // namespace flowscope::server_replay
