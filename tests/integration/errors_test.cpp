// Answers the proxy makes itself: 400, 403, 407, 408, 431, 502, 504. Each is a
// text/plain body that says what happened, sent with "Connection: close", and
// recorded as a flow whose error says the same.
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/proxy_fixture.hpp"

namespace flowscope::integration {
namespace {

class ErrorsTest : public ProxyTest {
 protected:
  // The shape every proxy-generated error shares.
  static void expect_error_answer(const HttpResponse& r, int status, const std::string& body_part) {
    ASSERT_TRUE(r.complete) << r.error;
    EXPECT_EQ(r.status(), status);
    EXPECT_EQ(r.header("Content-Type"), "text/plain; charset=utf-8");
    EXPECT_EQ(r.header("Connection"), "close");
    EXPECT_EQ(r.header("Content-Length"), std::to_string(r.body.size()));
    EXPECT_NE(r.body.find(body_part), std::string::npos) << "body: " << r.body;
    EXPECT_FALSE(r.body.empty());
    if (!r.body.empty()) {
      EXPECT_EQ(r.body.back(), '\n');
    }
  }

  // The single recorded flow, with its error and response status checked.
  flow::Flow expect_error_flow(int status, const std::string& error_part) {
    auto f = flows(1);
    EXPECT_EQ(f.size(), 1u);
    if (f.empty()) return {};
    EXPECT_NE(f[0].error.find(error_part), std::string::npos) << "flow error: " << f[0].error;
    EXPECT_TRUE(f[0].response.has_value());
    if (f[0].response) {
      EXPECT_EQ(f[0].response->status, status);
    }
    return f[0];
  }

  // Sends `request` on a fresh connection; returns the answer and whether the
  // proxy closed the connection after it.
  HttpResponse answer_and_close(const std::string& request, bool* closed) {
    TestClient client(port());
    EXPECT_TRUE(client.send(request));
    HttpResponse r = client.read_response();
    *closed = r.closed || client.wait_closed();
    return r;
  }
};

TEST_F(ErrorsTest, RefusedConnectionIs502) {
  start();
  testsupport::RefusingPort closed_port;
  const std::string authority = "127.0.0.1:" + std::to_string(closed_port.port());
  bool closed = false;
  HttpResponse r = answer_and_close(
      "GET http://" + authority + "/x HTTP/1.1\r\nHost: " + authority + "\r\n\r\n", &closed);
  expect_error_answer(r, 502, "cannot connect to " + authority);
  EXPECT_TRUE(closed);
  flow::Flow f = expect_error_flow(502, "cannot connect to " + authority);
  EXPECT_NE(f.error.find("refused"), std::string::npos) << f.error;
  EXPECT_EQ(f.request.url, "http://" + authority + "/x");
}

TEST_F(ErrorsTest, UnresolvableHostIs502) {
  start();
  HttpResponse r =
      exchange("GET http://nonexistent.invalid/ HTTP/1.1\r\nHost: nonexistent.invalid\r\n\r\n");
  expect_error_answer(r, 502, "cannot connect to nonexistent.invalid:80");
  expect_error_flow(502, "DNS lookup failed");
}

TEST_F(ErrorsTest, ResetByOriginIs502) {
  start();
  OriginServer origin(OriginServer::reset());
  HttpResponse r = exchange(get(origin, "/reset"));
  expect_error_answer(r, 502, "upstream connection error");
  expect_error_flow(502, "upstream connection error");
  EXPECT_EQ(origin.connection_count(), 1u);  // a fresh connection is not retried
}

TEST_F(ErrorsTest, OriginClosingWithoutAnswerIs502) {
  start();
  OriginServer origin([](Exchange& ex) {
    ex.body();
    ex.close_after();
  });
  HttpResponse r = exchange(get(origin, "/"));
  expect_error_answer(r, 502, "upstream closed the connection without responding");
  expect_error_flow(502, "upstream closed the connection without responding");
}

TEST_F(ErrorsTest, InvalidResponseFromOriginIs502) {
  start();
  OriginServer origin([](Exchange& ex) {
    ex.body();
    ex.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!");
    ex.close_after();
  });
  HttpResponse r = exchange(get(origin, "/"));
  expect_error_answer(r, 502, "invalid response from upstream");
  expect_error_flow(502, "invalid response from upstream");
}

TEST_F(ErrorsTest, OriginClosingMidResponseCutsTheClientOff) {
  start();
  OriginServer origin([](Exchange& ex) {
    ex.body();
    ex.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
    ex.close_after();
  });
  TestClient client(port());
  ASSERT_TRUE(client.send(get(origin, "/partial")));
  HttpResponse r = client.read_response();
  EXPECT_FALSE(r.complete);
  EXPECT_TRUE(r.closed);
  EXPECT_EQ(r.status(), 200);  // the head had already gone out
  EXPECT_EQ(r.body, "0123456789");

  auto f = flows(1);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].error, "upstream closed the connection mid-response");
  ASSERT_TRUE(f[0].response.has_value());
  EXPECT_EQ(f[0].response->status, 200);
  EXPECT_EQ(f[0].response->body.data, "0123456789");
}

TEST_F(ErrorsTest, OriginClosingMidChunkedResponseCutsTheClientOff) {
  start();
  OriginServer origin([](Exchange& ex) {
    ex.body();
    ex.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n10\r\npartial");
    ex.close_after();
  });
  TestClient client(port());
  ASSERT_TRUE(client.send(get(origin, "/partial")));
  HttpResponse r = client.read_response();
  EXPECT_FALSE(r.complete);
  EXPECT_TRUE(r.closed);
  EXPECT_EQ(r.status(), 200);
  EXPECT_EQ(r.body.substr(0, 5), "hello");
  auto f = flows(1);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].error, "upstream closed the connection mid-response");
}

TEST_F(ErrorsTest, OriginResettingMidResponseCutsTheClientOff) {
  start();
  OriginServer origin([](Exchange& ex) {
    ex.body();
    ex.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc");
    ex.reset();
  });
  TestClient client(port());
  ASSERT_TRUE(client.send(get(origin, "/partial")));
  HttpResponse r = client.read_response();
  EXPECT_FALSE(r.complete);
  EXPECT_TRUE(r.closed);
  auto f = flows(1);
  ASSERT_EQ(f.size(), 1u);
  // Whether the kernel reports the reset after data as an error or as EOF is
  // not ours to decide; either way the flow must say the response was cut.
  EXPECT_TRUE(f[0].error.find("upstream connection error") != std::string::npos ||
              f[0].error == "upstream closed the connection mid-response")
      << f[0].error;
}

TEST_F(ErrorsTest, OversizedResponseHeadIs502) {
  start();
  OriginServer origin([](Exchange& ex) {
    ex.body();
    ex.write("HTTP/1.1 200 OK\r\nX-Big: " + std::string(70 * 1024, 'b') +
             "\r\nContent-Length: 0\r\n\r\n");
  });
  HttpResponse r = exchange(get(origin, "/"));
  expect_error_answer(r, 502, "invalid response from upstream");
  expect_error_flow(502, "response head larger than limit");
}

TEST_F(ErrorsTest, ResponseTimeoutIs504) {
  proxy::Config config = testsupport::test_config();
  config.response_timeout_ms = 200;
  start(config);
  OriginServer origin(OriginServer::never_answer());
  HttpResponse r = exchange(get(origin, "/never"));
  expect_error_answer(r, 504, "no response from upstream within 200 ms");
  expect_error_flow(504, "no response from upstream within 200 ms");
  // The proxy gave up on that upstream connection.
  EXPECT_TRUE(origin.wait_for_peer_closes(1));
}

TEST_F(ErrorsTest, ConnectTimeoutIs504) {
  testsupport::BlackholePort blackhole;
  if (!blackhole.ready())
    GTEST_SKIP() << "cannot make a connect hang on loopback: " << blackhole.why_not();
  proxy::Config config = testsupport::test_config();
  config.connect_timeout_ms = 200;
  start(config);
  const std::string authority = "127.0.0.1:" + std::to_string(blackhole.port());
  HttpResponse r =
      exchange("GET http://" + authority + "/ HTTP/1.1\r\nHost: " + authority + "\r\n\r\n");
  expect_error_answer(r, 504, "cannot connect to " + authority + ": timed out after 200 ms");
  expect_error_flow(504, "timed out after 200 ms");
}

TEST_F(ErrorsTest, ConnectTimeoutForConnectIs504) {
  testsupport::BlackholePort blackhole;
  if (!blackhole.ready())
    GTEST_SKIP() << "cannot make a connect hang on loopback: " << blackhole.why_not();
  proxy::Config config = testsupport::test_config();
  config.connect_timeout_ms = 200;
  start(config);
  const std::string authority = "127.0.0.1:" + std::to_string(blackhole.port());
  HttpResponse r =
      exchange("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n");
  expect_error_answer(r, 504, "timed out after 200 ms");
  expect_error_flow(504, "timed out after 200 ms");
}

TEST_F(ErrorsTest, MalformedRequestIs400) {
  start();
  bool closed = false;
  HttpResponse r = answer_and_close("THIS IS NOT HTTP\r\n\r\n", &closed);
  expect_error_answer(r, 400, "malformed request: ");
  EXPECT_TRUE(closed);
  expect_error_flow(400, "malformed request: ");
}

TEST_F(ErrorsTest, OriginFormRequestIs400WithAnExplanation) {
  start();
  OriginServer origin(OriginServer::fixed(200, "never"));
  HttpResponse r = exchange("GET /index.html HTTP/1.1\r\nHost: " + origin.authority() + "\r\n\r\n");
  expect_error_answer(r, 400, "flowscope is a proxy");
  EXPECT_NE(r.body.find("curl -x http://HOST:PORT URL"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("HTTP_PROXY="), std::string::npos) << r.body;
  expect_error_flow(400, "flowscope is a proxy");
  EXPECT_EQ(origin.connection_count(), 0u);
}

TEST_F(ErrorsTest, HttpsAbsoluteUrlIs400) {
  start();
  HttpResponse r = exchange("GET https://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n");
  expect_error_answer(r, 400, "https:// URLs go through CONNECT");
  expect_error_flow(400, "https:// URLs go through CONNECT");
}

TEST_F(ErrorsTest, UserinfoInRequestUrlIs400) {
  start();
  HttpResponse r =
      exchange("GET http://user:pw@127.0.0.1:1/ HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n");
  expect_error_answer(r, 400, "bad request target");
  expect_error_flow(400, "userinfo is not allowed");
}

TEST_F(ErrorsTest, ConnectWithoutPortIs400) {
  start();
  HttpResponse r = exchange("CONNECT example.com HTTP/1.1\r\nHost: example.com\r\n\r\n");
  expect_error_answer(r, 400, "bad CONNECT target");
  EXPECT_NE(r.body.find("has no port"), std::string::npos) << r.body;
  expect_error_flow(400, "has no port");
}

TEST_F(ErrorsTest, ConnectWithBadHostIs400) {
  start();
  HttpResponse r = exchange("CONNECT bad!host:443 HTTP/1.1\r\nHost: bad!host:443\r\n\r\n");
  expect_error_answer(r, 400, "bad CONNECT target");
  EXPECT_NE(r.body.find("invalid host 'bad!host'"), std::string::npos) << r.body;
  expect_error_flow(400, "invalid host");
}

TEST_F(ErrorsTest, ConnectWithUserinfoIs400) {
  start();
  HttpResponse r =
      exchange("CONNECT user:pw@example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
  expect_error_answer(r, 400, "bad CONNECT target");
  EXPECT_NE(r.body.find("userinfo is not allowed"), std::string::npos) << r.body;
  expect_error_flow(400, "userinfo is not allowed");
}

TEST_F(ErrorsTest, ConnectWithBadPortIs400) {
  start();
  HttpResponse r =
      exchange("CONNECT example.com:99999 HTTP/1.1\r\nHost: example.com:99999\r\n\r\n");
  expect_error_answer(r, 400, "invalid port");
  expect_error_flow(400, "invalid port");
}

TEST_F(ErrorsTest, ConnectToDisallowedPortIs403) {
  OriginServer origin(OriginServer::Raw{[](RawConnection& c) { c.write(c.read_exact(2)); }});
  testsupport::RefusingPort other;
  proxy::Config config = testsupport::test_config();
  config.connect_ports = {other.port()};
  start(config);
  HttpResponse r = exchange("CONNECT " + origin.authority() +
                            " HTTP/1.1\r\nHost: " + origin.authority() + "\r\n\r\n");
  expect_error_answer(r, 403,
                      "CONNECT to port " + std::to_string(origin.port()) + " is not allowed");
  expect_error_flow(403, "is not allowed (--connect-ports)");
  EXPECT_EQ(origin.connection_count(), 0u);
}

TEST_F(ErrorsTest, ConnectToAllowedPortWorks) {
  OriginServer origin(OriginServer::Raw{[](RawConnection& c) { c.write(c.read_exact(2)); }});
  proxy::Config config = testsupport::test_config();
  config.connect_ports = {443, origin.port()};
  start(config);
  TestClient client(port());
  ASSERT_TRUE(client.send("CONNECT " + origin.authority() +
                          " HTTP/1.1\r\nHost: " + origin.authority() + "\r\n\r\nok"));
  HttpResponse r = client.read_connect_response();
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 200);
  EXPECT_EQ(client.read_until_eof(), "ok");
  client.shutdown_write();
  EXPECT_EQ(flows(1).at(0).error, "");
}

TEST_F(ErrorsTest, ConnectPortsDoNotRestrictPlainHttp) {
  OriginServer origin(OriginServer::fixed(200, "plain"));
  proxy::Config config = testsupport::test_config();
  config.connect_ports = {443};
  start(config);
  HttpResponse r = exchange(get(origin, "/"));
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 200);
}

class ProxyAuthTest : public ErrorsTest {
 protected:
  void SetUp() override {
    proxy::Config config = testsupport::test_config();
    config.proxy_auth = "alice:s3cret";
    start(config);
  }
};

TEST_F(ProxyAuthTest, MissingCredentialsAre407WithAChallenge) {
  OriginServer origin(OriginServer::fixed(200, "secret"));
  HttpResponse r = exchange(get(origin, "/"));
  expect_error_answer(r, 407, "proxy credentials are required");
  EXPECT_EQ(r.header("Proxy-Authenticate"), "Basic realm=\"flowscope\"");
  flow::Flow f = expect_error_flow(407, "proxy credentials are required");
  EXPECT_EQ(origin.connection_count(), 0u);
}

TEST_F(ProxyAuthTest, WrongCredentialsAre407) {
  OriginServer origin(OriginServer::fixed(200, "secret"));
  HttpResponse r = exchange(
      get(origin, "/",
          "Proxy-Authorization: " + testsupport::basic_credentials("alice:wrong") + "\r\n"));
  expect_error_answer(r, 407, "proxy credentials are wrong");
  EXPECT_EQ(r.header("Proxy-Authenticate"), "Basic realm=\"flowscope\"");
  expect_error_flow(407, "proxy credentials are wrong");
  EXPECT_EQ(origin.connection_count(), 0u);
}

TEST_F(ProxyAuthTest, NonBasicSchemeIs407) {
  HttpResponse r =
      exchange("GET http://127.0.0.1:1/ HTTP/1.1\r\nProxy-Authorization: Bearer abc\r\n\r\n");
  expect_error_answer(r, 407, "proxy credentials are wrong");
  expect_error_flow(407, "proxy credentials are wrong");
}

TEST_F(ProxyAuthTest, CorrectCredentialsAreAcceptedAndNotForwarded) {
  OriginServer origin(OriginServer::fixed(200, "secret"));
  HttpResponse r = exchange(
      get(origin, "/",
          "Proxy-Authorization: " + testsupport::basic_credentials("alice:s3cret") + "\r\n"));
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 200);
  EXPECT_EQ(r.body, "secret");
  auto received = origin.requests();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].head.headers.find("Proxy-Authorization"), nullptr);
  EXPECT_EQ(flows(1).at(0).error, "");
}

TEST_F(ProxyAuthTest, ConnectNeedsCredentialsToo) {
  OriginServer origin(OriginServer::Raw{[](RawConnection& c) { c.write(c.read_exact(3)); }});
  HttpResponse denied = exchange("CONNECT " + origin.authority() +
                                 " HTTP/1.1\r\nHost: " + origin.authority() + "\r\n\r\n");
  expect_error_answer(denied, 407, "proxy credentials are required");
  EXPECT_EQ(denied.header("Proxy-Authenticate"), "Basic realm=\"flowscope\"");
  EXPECT_EQ(origin.connection_count(), 0u);

  TestClient client(port());
  ASSERT_TRUE(client.send("CONNECT " + origin.authority() +
                          " HTTP/1.1\r\nHost: " + origin.authority() + "\r\nProxy-Authorization: " +
                          testsupport::basic_credentials("alice:s3cret") + "\r\n\r\nabc"));
  HttpResponse r = client.read_connect_response();
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 200);
  EXPECT_EQ(client.read_until_eof(), "abc");
  client.shutdown_write();
  auto f = flows(2);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].error, "proxy credentials are required (--proxy-auth is set)");
  EXPECT_EQ(f[1].error, "");
  EXPECT_EQ(f[1].scheme, "tunnel");
}

TEST_F(ErrorsTest, OversizedHeadIs431) {
  start();
  OriginServer origin(OriginServer::fixed(200, "never"));
  const std::string big(70 * 1024, 'a');
  bool closed = false;
  HttpResponse r = answer_and_close(get(origin, "/", "X-Big: " + big + "\r\n"), &closed);
  expect_error_answer(r, 431, "larger than 64 KiB");
  EXPECT_TRUE(closed);
  expect_error_flow(431, "larger than 64 KiB");
  EXPECT_EQ(origin.connection_count(), 0u);
}

TEST_F(ErrorsTest, ManyHeadersTogetherOverTheLimitAre431) {
  start();
  std::string extra;
  for (int i = 0; i < 2000; ++i)
    extra += "X-Header-" + std::to_string(i) + ": " + std::string(30, 'v') + "\r\n";
  HttpResponse r =
      exchange("GET http://127.0.0.1:1/ HTTP/1.1\r\nHost: 127.0.0.1:1\r\n" + extra + "\r\n");
  expect_error_answer(r, 431, "larger than");
  expect_error_flow(431, "larger than");
}

TEST_F(ErrorsTest, ConfiguredMaxHeadBytesIsHonoured) {
  proxy::Config config = testsupport::test_config();
  config.max_head_bytes = 1024;
  start(config);
  OriginServer origin(OriginServer::fixed(200, "small"));
  HttpResponse ok = exchange(get(origin, "/", "X-Fits: " + std::string(500, 'a') + "\r\n"));
  ASSERT_TRUE(ok.complete) << ok.error;
  EXPECT_EQ(ok.status(), 200);
  HttpResponse r = exchange(get(origin, "/", "X-Big: " + std::string(2000, 'a') + "\r\n"));
  expect_error_answer(r, 431, "larger than");
}

}  // namespace
}  // namespace flowscope::integration
