#include "core/http/target.hpp"

#include <gtest/gtest.h>

#include "core/base64.hpp"
#include "core/http/basic_auth.hpp"
#include "core/http/hop_by_hop.hpp"

namespace flowscope::http {
namespace {

TEST(Target, ConnectAuthority) {
  auto a = parse_connect_target("example.com:443");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "example.com");
  EXPECT_EQ(a->port, 443);
  auto v6 = parse_connect_target("[::1]:8443");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->to_string(), "[::1]:8443");
  for (const char* bad : {"example.com", "example.com:", "u@example.com:443", "exa mple.com:443", ":443",
                          "example.com:99999", "::1:443", "[::1]443", "example.com:443/x"}) {
    EXPECT_FALSE(parse_connect_target(bad)) << bad;
  }
}

TEST(Target, AbsoluteUrl) {
  auto u = parse_absolute_url("http://Example.com:8080/p?q=1#frag");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->scheme, "http");
  EXPECT_EQ(u->authority.host, "Example.com");
  EXPECT_EQ(u->authority.port, 8080);
  EXPECT_EQ(u->path_and_query, "/p?q=1");
  auto bare = parse_absolute_url("HTTP://h");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->authority.port, 80);
  EXPECT_EQ(bare->path_and_query, "/");
  auto query_only = parse_absolute_url("http://h?x");
  ASSERT_TRUE(query_only);
  EXPECT_EQ(query_only->path_and_query, "/?x");
  EXPECT_EQ(parse_absolute_url("https://h/")->authority.port, 443);
  for (const char* bad : {"/relative", "ftp://h/", "http://u:p@h/", "http:///x", "http://h:0/"}) {
    EXPECT_FALSE(parse_absolute_url(bad)) << bad;
  }
}

TEST(HopByHop, StripsConnectionNamedAndFixedHeaders) {
  Headers h;
  h.add("Connection", "close, X-Secret");
  h.add("X-Secret", "1");
  h.add("Keep-Alive", "5");
  h.add("Proxy-Connection", "keep-alive");
  h.add("TE", "trailers");
  h.add("Trailer", "X-Sum");
  h.add("Upgrade", "h2c");
  h.add("Accept", "*/*");
  strip_hop_by_hop(h, false);
  ASSERT_EQ(h.items.size(), 1u);
  EXPECT_EQ(h.items[0].name, "Accept");
}

TEST(HopByHop, KeepsWebSocketUpgrade) {
  Headers h;
  h.add("Connection", "Upgrade");
  h.add("Upgrade", "websocket");
  EXPECT_TRUE(is_websocket_upgrade(h));
  strip_hop_by_hop(h, true);
  EXPECT_EQ(*h.find("Upgrade"), "websocket");
  EXPECT_EQ(*h.find("Connection"), "Upgrade");
}

TEST(BasicAuth, DecodesCredentials) {
  EXPECT_EQ(decode_basic_credentials("Basic dXNlcjpwYXNz"), "user:pass");
  EXPECT_EQ(decode_basic_credentials("basic " + base64_encode("a:b:c")), "a:b:c");
  EXPECT_EQ(decode_basic_credentials("Bearer xyz"), std::nullopt);
  EXPECT_EQ(decode_basic_credentials("Basic !!!!"), std::nullopt);
  EXPECT_EQ(base64_decode(base64_encode("x")), "x");
  EXPECT_EQ(base64_decode(base64_encode("xy")), "xy");
}

}  // namespace
}  // namespace flowscope::http
