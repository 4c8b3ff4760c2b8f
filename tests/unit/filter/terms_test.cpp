// Each term's meaning, on a typical API flow and on flows made to differ.
#include <gtest/gtest.h>

#include "tests/unit/filter/filter_test_flows.hpp"

namespace flowscope::filter {
namespace {

using testing::api_flow;
using testing::matches;

TEST(FilterTerms, DomainIsTheHostOrASubdomain) {
  auto flow = api_flow();  // api.example.com
  EXPECT_TRUE(matches("~d api.example.com", flow));
  EXPECT_TRUE(matches("~d example.com", flow));
  EXPECT_TRUE(matches("~d EXAMPLE.COM", flow));
  EXPECT_TRUE(matches("~d com", flow));
  EXPECT_TRUE(matches("~d *.example.com", flow));
  EXPECT_TRUE(matches("~d .example.com", flow));
  EXPECT_FALSE(matches("~d ample.com", flow)) << "labels, not characters";
  EXPECT_FALSE(matches("~d other.example.com", flow));
  EXPECT_FALSE(matches("~d items", flow)) << "the path is not the host";
  flow.request.url = "http://user:pw@Badexample.com:8080/x";
  EXPECT_TRUE(matches("~d badexample.com", flow)) << "userinfo and port are not the host";
  EXPECT_FALSE(matches("~d example.com", flow));
}

TEST(FilterTerms, DomainWithRegexCharactersIsARegexOnTheHost) {
  auto flow = api_flow();
  EXPECT_TRUE(matches("~d ^api\\.", flow));
  EXPECT_TRUE(matches("~d 'example\\.(com|org)$'", flow));
  EXPECT_FALSE(matches("~d '^example'", flow));
}

TEST(FilterTerms, DomainOfIpAddressesIsExact) {
  auto flow = api_flow();
  flow.request.url = "http://127.0.0.1:8080/";
  EXPECT_TRUE(matches("~d 127.0.0.1", flow));
  EXPECT_FALSE(matches("~d 0.0.1", flow));
  flow.request.url = "http://[::1]:8080/";
  EXPECT_TRUE(matches("~d ::1", flow));
}

TEST(FilterTerms, DomainOfATunnelIsItsConnectHost) {
  flow::Flow flow;
  flow.scheme = "tunnel";
  flow.tunnel = flow::Tunnel{"db.internal.example", 5432, 10, 20, 100, {}};
  EXPECT_TRUE(matches("~d example", flow));
  EXPECT_TRUE(matches("~d internal.example", flow));
}

TEST(FilterTerms, Url) {
  auto flow = api_flow();
  EXPECT_TRUE(matches("~u /v1/items", flow));
  EXPECT_TRUE(matches("~u ^https://api", flow));
  EXPECT_FALSE(matches("~u ^http://", flow));
  EXPECT_TRUE(matches("~u 'page=\\d+$'", flow));
  EXPECT_TRUE(matches("~u page=2$", flow));
  EXPECT_FALSE(matches("~u page=$", flow));
  EXPECT_TRUE(matches("~u 'items\\?page'", flow)) << "an escaped ? is a literal";
}

TEST(FilterTerms, MethodIsExactAndCaseInsensitive) {
  auto flow = api_flow();
  EXPECT_TRUE(matches("~m GET", flow));
  EXPECT_TRUE(matches("~m get", flow));
  EXPECT_FALSE(matches("~m GE", flow));
  EXPECT_FALSE(matches("~m POST", flow));
}

TEST(FilterTerms, StatusCodeAndClass) {
  auto flow = api_flow();
  EXPECT_TRUE(matches("~c 200", flow));
  EXPECT_FALSE(matches("~c 201", flow));
  EXPECT_TRUE(matches("~c 2xx", flow));
  EXPECT_TRUE(matches("~c 2XX", flow));
  EXPECT_FALSE(matches("~c 4xx", flow));
  flow.response->status = 404;
  EXPECT_TRUE(matches("~c 4xx", flow));
  EXPECT_TRUE(matches("~c 404", flow));
  flow.response->status = 499;
  EXPECT_TRUE(matches("~c 4xx", flow));
  flow.response->status = 500;
  EXPECT_FALSE(matches("~c 4xx", flow));
  EXPECT_TRUE(matches("~c 5xx", flow));
  flow.response.reset();
  EXPECT_FALSE(matches("~c 5xx", flow)) << "no response, no status";
  EXPECT_FALSE(matches("~c 200", flow));
}

TEST(FilterTerms, HeadersAreNameColonValueLines) {
  auto flow = api_flow();
  EXPECT_TRUE(matches("~h 'X-Request-Id: abc'", flow));
  EXPECT_TRUE(matches("~h '^accept: application/json$'", flow));
  EXPECT_TRUE(matches("~h set-cookie", flow));
  EXPECT_TRUE(matches("~hq x-request-id", flow));
  EXPECT_FALSE(matches("~hq set-cookie", flow)) << "a response header";
  EXPECT_TRUE(matches("~hs set-cookie", flow));
  EXPECT_FALSE(matches("~hs x-request-id", flow)) << "a request header";
  EXPECT_TRUE(matches("~hs 'session=\\w+'", flow));
  flow.response.reset();
  EXPECT_FALSE(matches("~hs set-cookie", flow));
}

TEST(FilterTerms, ContentTypeOfEitherSide) {
  auto flow = api_flow();
  EXPECT_TRUE(matches("~t json", flow));
  EXPECT_TRUE(matches("~t application/json", flow));
  EXPECT_FALSE(matches("~t html", flow));
  EXPECT_TRUE(matches("~ts json", flow));
  EXPECT_FALSE(matches("~tq json", flow)) << "Accept is not Content-Type";
  flow.request.headers.add("Content-Type", "application/x-www-form-urlencoded");
  EXPECT_TRUE(matches("~t form", flow));
  EXPECT_TRUE(matches("~tq form", flow));
  EXPECT_FALSE(matches("~ts form", flow));
}

TEST(FilterTerms, Failed) {
  auto flow = api_flow();
  EXPECT_FALSE(matches("~e", flow));
  flow.error = "upstream: connection refused";
  EXPECT_TRUE(matches("~e", flow));
}

TEST(FilterTerms, TunnelWebSocketReplayHttp2) {
  auto flow = api_flow();
  EXPECT_FALSE(matches("~tunnel | ~websocket | ~replay | ~http2", flow));
  flow::Flow tunnel;
  tunnel.scheme = "tunnel";
  tunnel.tunnel = flow::Tunnel{"example.com", 443, 1, 2, 3, {}};
  EXPECT_TRUE(matches("~tunnel", tunnel));
  EXPECT_FALSE(matches("~websocket", tunnel));

  auto ws = api_flow();
  ws.response->status = 101;
  ws.websocket = flow::WebSocket{};
  EXPECT_TRUE(matches("~websocket", ws));
  EXPECT_FALSE(matches("~tunnel", ws));

  auto replay = api_flow();
  replay.replay_of = "1-1";
  EXPECT_TRUE(matches("~replay", replay));

  auto h2 = api_flow();
  h2.response->http_version = "HTTP/2.0";
  EXPECT_TRUE(matches("~http2", h2));
}

TEST(FilterTerms, RequestOnlyResponseAndAll) {
  auto flow = api_flow();
  EXPECT_TRUE(matches("~s", flow));
  EXPECT_FALSE(matches("~q", flow));
  EXPECT_TRUE(matches("~all", flow));
  flow.response.reset();
  EXPECT_TRUE(matches("~q", flow));
  EXPECT_FALSE(matches("~s", flow));
}

TEST(FilterTerms, ClientIpIsTheAddressWithoutThePort) {
  auto flow = api_flow();  // 127.0.0.1:53122
  EXPECT_TRUE(matches("~ip 127.0.0.1", flow));
  EXPECT_FALSE(matches("~ip 127.0.0.2", flow));
  EXPECT_FALSE(matches("~ip 27.0.0.1", flow)) << "the whole address, not a suffix";
  flow.client_address = "[::1]:40000";
  EXPECT_TRUE(matches("~ip ::1", flow));
  EXPECT_TRUE(matches("~ip [::1]", flow));
  flow.client_address = "[FE80::1]:40000";
  EXPECT_TRUE(matches("~ip fe80::1", flow));
}

}  // namespace
}  // namespace flowscope::filter
