// Bodies stream through without being held whole: a 64 MiB response and a 16 MiB
// upload arrive intact (size and SHA-256), and the flow keeps at most body_limit
// bytes while counting them all. The memory bound itself is checked in tests/bench.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "tests/integration/proxy_fixture.hpp"
#include "tests/support/digest.hpp"

namespace flowscope::integration {
namespace {

class StreamingTest : public ProxyTest {
 protected:
  struct Received {
    HttpResponse response;
    std::uint64_t size = 0;
    std::string sha256;
  };

  Received fetch_hashed(const std::string& request) {
    TestClient client(port());
    testsupport::Sha256 hash;
    Received out;
    testsupport::ReadOptions options;
    options.on_body = [&](std::string_view piece) {
      hash.update(piece);
      out.size += piece.size();
    };
    EXPECT_TRUE(client.send(request));
    out.response = client.read_response(options);
    out.sha256 = hash.hex_digest();
    return out;
  }
};

constexpr std::uint64_t kMiB = 1024 * 1024;

TEST_F(StreamingTest, LargeContentLengthResponseArrivesIntact) {
  start();
  constexpr std::uint64_t kSize = 64 * kMiB;
  OriginServer origin(OriginServer::large(kSize));
  Received got = fetch_hashed(get(origin, "/large"));
  ASSERT_TRUE(got.response.complete) << got.response.error;
  EXPECT_EQ(got.response.status(), 200);
  EXPECT_EQ(got.response.header("Content-Length"), std::to_string(kSize));
  EXPECT_EQ(got.size, kSize);
  EXPECT_EQ(got.sha256, testsupport::pattern_sha256(kSize));

  auto f = flows(1);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].error, "");
  const auto& body = f[0].response->body;
  EXPECT_EQ(body.size, kSize);
  EXPECT_TRUE(body.truncated);
  EXPECT_EQ(body.data.size(), proxy::Config{}.body_limit);
  EXPECT_TRUE(body.data == testsupport::pattern(0, body.data.size())) << "kept prefix differs";
}

TEST_F(StreamingTest, LargeChunkedResponseArrivesIntact) {
  start();
  constexpr std::uint64_t kSize = 16 * kMiB;
  OriginServer origin(OriginServer::large(kSize, /*chunked=*/true));
  Received got = fetch_hashed(get(origin, "/large"));
  ASSERT_TRUE(got.response.complete) << got.response.error;
  EXPECT_EQ(got.response.header("Transfer-Encoding"), "chunked");
  EXPECT_EQ(got.size, kSize);
  EXPECT_EQ(got.sha256, testsupport::pattern_sha256(kSize));
  auto f = flows(1);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].error, "");
  EXPECT_EQ(f[0].response->body.size, kSize);
}

TEST_F(StreamingTest, LargeCloseDelimitedResponseIsRechunkedIntact) {
  start();
  constexpr std::uint64_t kSize = 16 * kMiB;
  OriginServer close_origin([](Exchange& ex) {
    ex.body();
    ex.write("HTTP/1.1 200 OK\r\n\r\n");
    std::string block(64 * 1024, '\0');
    for (std::uint64_t off = 0; off < kSize; off += block.size()) {
      testsupport::fill_pattern(off, block.data(), block.size());
      if (!ex.write(block)) return;
    }
    ex.close_after();
  });
  Received got = fetch_hashed(get(close_origin, "/large"));
  ASSERT_TRUE(got.response.complete) << got.response.error;
  EXPECT_EQ(got.response.header("Transfer-Encoding"), "chunked");
  EXPECT_EQ(got.size, kSize);
  EXPECT_EQ(got.sha256, testsupport::pattern_sha256(kSize));
  EXPECT_EQ(flows(1).at(0).error, "");
}

TEST_F(StreamingTest, LargeChunkedUploadArrivesIntact) {
  start();
  constexpr std::uint64_t kSize = 16 * kMiB;
  OriginServer origin(OriginServer::echo_digest());
  TestClient client(port());
  ASSERT_TRUE(client.send("POST " + origin.url("/upload") + " HTTP/1.1\r\nHost: " +
                          origin.authority() + "\r\nTransfer-Encoding: chunked\r\n\r\n"));
  std::string block(256 * 1024, '\0');
  for (std::uint64_t off = 0; off < kSize; off += block.size()) {
    testsupport::fill_pattern(off, block.data(), block.size());
    char size_line[32];
    std::snprintf(size_line, sizeof size_line, "%zx\r\n", block.size());
    ASSERT_TRUE(client.send(std::string(size_line) + block + "\r\n"));
  }
  ASSERT_TRUE(client.send("0\r\n\r\n"));
  HttpResponse r = client.read_response();
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.body, std::to_string(kSize) + " " + testsupport::pattern_sha256(kSize));
  auto f = flows(1);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].error, "");
  EXPECT_EQ(f[0].request.body.size, kSize);
  EXPECT_TRUE(f[0].request.body.truncated);
}

TEST_F(StreamingTest, BodyLimitBoundsWhatTheFlowKeeps) {
  proxy::Config config = testsupport::test_config();
  config.body_limit = 10;
  start(config);
  OriginServer origin(OriginServer::echo());
  const std::string body = "0123456789abcdefghij";
  HttpResponse r = exchange("POST " + origin.url("/") + " HTTP/1.1\r\nHost: " + origin.authority() +
                            "\r\nContent-Length: 20\r\n\r\n" + body);
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.body, body);  // forwarding is not limited
  auto f = flows(1);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].request.body.data, "0123456789");
  EXPECT_EQ(f[0].request.body.size, 20u);
  EXPECT_TRUE(f[0].request.body.truncated);
  EXPECT_EQ(f[0].response->body.data, "0123456789");
  EXPECT_EQ(f[0].response->body.size, 20u);
  EXPECT_TRUE(f[0].response->body.truncated);
}

TEST_F(StreamingTest, BodyLimitZeroKeepsEverything) {
  proxy::Config config = testsupport::test_config();
  config.body_limit = 0;
  start(config);
  constexpr std::uint64_t kSize = 3 * kMiB;
  OriginServer origin(OriginServer::large(kSize));
  Received got = fetch_hashed(get(origin, "/"));
  ASSERT_TRUE(got.response.complete) << got.response.error;
  EXPECT_EQ(got.size, kSize);
  auto f = flows(1);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].response->body.data.size(), kSize);
  EXPECT_FALSE(f[0].response->body.truncated);
  EXPECT_EQ(testsupport::sha256_hex(f[0].response->body.data), testsupport::pattern_sha256(kSize));
}

}  // namespace
}  // namespace flowscope::integration
