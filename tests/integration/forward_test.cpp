// Plain HTTP forwarding: absolute-form in, origin-form out, with the head rewritten
// per RFC 9110 §7.6 and bodies in every framing passed through intact.
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/proxy_fixture.hpp"

namespace flowscope::integration {
namespace {

class ForwardTest : public ProxyTest {};

TEST_F(ForwardTest, GetIsForwardedInOriginFormWithHostRewritten) {
  start();
  OriginServer origin(OriginServer::fixed(200, "hello"));
  const std::string request = "GET " + origin.url("/path/x?q=1&r=%20") +
                              " HTTP/1.1\r\n"
                              "Host: stale.example\r\n"
                              "User-Agent: flowscope-test\r\n"
                              "X-Dup: 1\r\n"
                              "Accept: */*\r\n"
                              "X-Dup: 2\r\n"
                              "\r\n";
  HttpResponse r = exchange(request);
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 200);
  EXPECT_EQ(r.body, "hello");
  EXPECT_FALSE(r.has_header("Via"));

  auto received = origin.requests();
  ASSERT_EQ(received.size(), 1u);
  // Host moves to the target's authority in place; order and duplicates stay; no Via.
  EXPECT_EQ(received[0].raw,
            "GET /path/x?q=1&r=%20 HTTP/1.1\r\n"
            "Host: " +
                origin.authority() +
                "\r\n"
                "User-Agent: flowscope-test\r\n"
                "X-Dup: 1\r\n"
                "Accept: */*\r\n"
                "X-Dup: 2\r\n"
                "\r\n");

  auto f = flows(1);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].error, "");
  EXPECT_EQ(f[0].scheme, "http");
  EXPECT_EQ(f[0].request.method, "GET");
  EXPECT_EQ(f[0].request.url, origin.url("/path/x?q=1&r=%20"));
  EXPECT_EQ(f[0].request.http_version, "HTTP/1.1");
  // The flow shows the request as the client sent it.
  EXPECT_EQ(header_of(f[0].request.headers, "Host"), "stale.example");
  EXPECT_EQ(f[0].server_address, origin.authority());
  ASSERT_TRUE(f[0].response.has_value());
  EXPECT_EQ(f[0].response->status, 200);
  EXPECT_EQ(f[0].response->reason, "OK");
  EXPECT_EQ(f[0].response->body.data, "hello");
  EXPECT_EQ(f[0].response->body.size, 5u);
  EXPECT_FALSE(f[0].response->body.truncated);
  EXPECT_FALSE(f[0].tunnel.has_value());
  EXPECT_EQ(f[0].client_address.rfind("127.0.0.1:", 0), 0u) << f[0].client_address;
  EXPECT_GT(f[0].started_us, 0);
  EXPECT_FALSE(f[0].id.empty());
  // Phases that happened are >= 0, phases that did not are -1 (an IP literal needs no DNS).
  EXPECT_EQ(f[0].timings.dns, -1);
  EXPECT_GE(f[0].timings.connect, 0);
  EXPECT_GE(f[0].timings.wait, 0);
  EXPECT_GE(f[0].timings.receive, 0);
}

TEST_F(ForwardTest, MissingHostIsAddedFromTheTarget) {
  start();
  OriginServer origin(OriginServer::fixed(200, "ok"));
  HttpResponse r = exchange("GET " + origin.url("/") + " HTTP/1.1\r\nAccept: */*\r\n\r\n");
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 200);
  auto received = origin.requests();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(header_of(received[0].head.headers, "Host"), origin.authority());
  EXPECT_EQ(received[0].head.headers.find_all("Host").size(), 1u);
  EXPECT_EQ(flows(1).at(0).error, "");
}

TEST_F(ForwardTest, RequestHopByHopHeadersAreStripped) {
  start();
  OriginServer origin(OriginServer::fixed(200, "ok"));
  const std::string request = "GET " + origin.url("/") +
                              " HTTP/1.1\r\n"
                              "Host: " +
                              origin.authority() +
                              "\r\n"
                              "Connection: keep-alive, X-Hop-Named\r\n"
                              "X-Hop-Named: secret\r\n"
                              "Proxy-Connection: keep-alive\r\n"
                              "Keep-Alive: timeout=5\r\n"
                              "TE: trailers\r\n"
                              "Trailer: X-Whatever\r\n"
                              "Proxy-Authorization: Basic Zm9vOmJhcg==\r\n"
                              "Upgrade: h2c\r\n"
                              "X-End-To-End: kept\r\n"
                              "\r\n";
  HttpResponse r = exchange(request);
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 200);
  auto received = origin.requests();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].raw,
            "GET / HTTP/1.1\r\n"
            "Host: " +
                origin.authority() +
                "\r\n"
                "X-End-To-End: kept\r\n"
                "\r\n");
  EXPECT_EQ(flows(1).at(0).error, "");
}

TEST_F(ForwardTest, ResponseHopByHopHeadersAreStrippedAndOrderKept) {
  start();
  OriginServer origin([](Exchange& ex) {
    ex.write(
        "HTTP/1.1 200 OK\r\n"
        "Set-Cookie: a=1\r\n"
        "Connection: X-Resp-Hop\r\n"
        "X-Resp-Hop: gone\r\n"
        "Keep-Alive: timeout=5\r\n"
        "Proxy-Authenticate: Basic realm=\"x\"\r\n"
        "X-Middle: m\r\n"
        "Set-Cookie: b=2\r\n"
        "Content-Length: 2\r\n"
        "\r\n"
        "ok");
  });
  HttpResponse r = exchange(get(origin, "/"));
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 200);
  EXPECT_EQ(r.body, "ok");
  std::vector<std::string> expected = {"Set-Cookie: a=1", "X-Middle: m", "Set-Cookie: b=2",
                                       "Content-Length: 2"};
  EXPECT_EQ(header_lines(r.head.headers), expected);
  EXPECT_FALSE(r.has_header("Via"));

  auto f = flows(1);
  ASSERT_EQ(f.size(), 1u);
  ASSERT_TRUE(f[0].response.has_value());
  // The flow keeps the response as the origin sent it.
  EXPECT_EQ(header_of(f[0].response->headers, "X-Resp-Hop"), "gone");
  EXPECT_EQ(f[0].response->headers.find_all("Set-Cookie").size(), 2u);
}

TEST_F(ForwardTest, PostWithContentLengthIsForwarded) {
  start();
  OriginServer origin(OriginServer::echo());
  const std::string request = "POST " + origin.url("/submit") +
                              " HTTP/1.1\r\n"
                              "Host: " +
                              origin.authority() +
                              "\r\n"
                              "Content-Type: application/x-www-form-urlencoded\r\n"
                              "Content-Length: 7\r\n"
                              "X-After: 1\r\n"
                              "\r\n"
                              "a=1&b=2";
  HttpResponse r = exchange(request);
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 200);
  EXPECT_EQ(r.body, "a=1&b=2");
  EXPECT_EQ(r.header("X-Method"), "POST");
  EXPECT_EQ(r.header("X-Target"), "/submit");

  auto received = origin.requests();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_TRUE(received[0].complete);
  EXPECT_EQ(received[0].body, "a=1&b=2");
  EXPECT_EQ(received[0].head.framing, http::BodyFraming::kContentLength);
  EXPECT_EQ(header_of(received[0].head.headers, "Content-Length"), "7");
  EXPECT_EQ(received[0].head.headers.find_all("Content-Length").size(), 1u);
  EXPECT_EQ(header_of(received[0].head.headers, "X-After"), "1");

  auto f = flows(1);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].error, "");
  EXPECT_EQ(f[0].request.method, "POST");
  EXPECT_EQ(f[0].request.body.data, "a=1&b=2");
  EXPECT_EQ(f[0].request.body.size, 7u);
  EXPECT_EQ(f[0].response->body.data, "a=1&b=2");
}

TEST_F(ForwardTest, EmptyPostKeepsContentLengthZero) {
  start();
  OriginServer origin(OriginServer::echo());
  HttpResponse r =
      exchange("POST " + origin.url("/empty") + " HTTP/1.1\r\nHost: " + origin.authority() +
               "\r\nContent-Length: 0\r\n\r\n");
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 200);
  EXPECT_EQ(r.header("X-Body-Size"), "0");
  auto received = origin.requests();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(header_of(received[0].head.headers, "Content-Length"), "0");
  EXPECT_EQ(flows(1).at(0).error, "");
}

TEST_F(ForwardTest, ChunkedRequestWithTrailersIsForwardedChunked) {
  start();
  OriginServer origin(OriginServer::echo());
  const std::string request = "POST " + origin.url("/upload") +
                              " HTTP/1.1\r\n"
                              "Host: " +
                              origin.authority() +
                              "\r\n"
                              "Transfer-Encoding: chunked\r\n"
                              "\r\n"
                              "5\r\nhello\r\n"
                              "6;ext=1\r\n world\r\n"
                              "0\r\n"
                              "X-Checksum: abc\r\n"
                              "\r\n";
  HttpResponse r = exchange(request);
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 200);
  EXPECT_EQ(r.body, "hello world");

  auto received = origin.requests();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_TRUE(received[0].complete);
  EXPECT_EQ(received[0].head.framing, http::BodyFraming::kChunked);
  EXPECT_EQ(received[0].head.headers.find("Content-Length"), nullptr);
  EXPECT_EQ(received[0].body, "hello world");
  EXPECT_EQ(header_of(received[0].trailers, "X-Checksum"), "abc");

  auto f = flows(1);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].error, "");
  EXPECT_EQ(f[0].request.body.data, "hello world");
  EXPECT_EQ(f[0].request.body.size, 11u);
}

TEST_F(ForwardTest, ChunkedResponseWithTrailersReachesTheClient) {
  start();
  http::Headers trailers;
  trailers.add("X-Sum", "42");
  OriginServer origin(OriginServer::chunked({"hel", "lo", " world"}, trailers));
  HttpResponse r = exchange(get(origin, "/chunked"));
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 200);
  EXPECT_EQ(r.header("Transfer-Encoding"), "chunked");
  EXPECT_FALSE(r.has_header("Content-Length"));
  EXPECT_EQ(r.body, "hello world");
  EXPECT_EQ(header_of(r.trailers, "X-Sum"), "42");

  auto f = flows(1);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].error, "");
  EXPECT_EQ(f[0].response->body.data, "hello world");
  EXPECT_EQ(f[0].response->body.size, 11u);
}

TEST_F(ForwardTest, CloseDelimitedResponseIsRechunkedForKeepAliveClient) {
  start();
  OriginServer origin(OriginServer::close_delimited("streamed until close"));
  TestClient client(port());
  ASSERT_TRUE(client.connected()) << client.connect_error();
  ASSERT_TRUE(client.send(get(origin, "/one")));
  HttpResponse r = client.read_response();
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 200);
  EXPECT_EQ(r.header("Transfer-Encoding"), "chunked");
  EXPECT_EQ(r.body, "streamed until close");
  EXPECT_FALSE(r.closed);

  // The client connection survived: a second request on it works.
  ASSERT_TRUE(client.send(get(origin, "/two")));
  HttpResponse r2 = client.read_response();
  ASSERT_TRUE(r2.complete) << r2.error;
  EXPECT_EQ(r2.body, "streamed until close");
  // Each close-delimited response used up its upstream connection.
  EXPECT_EQ(origin.connection_count(), 2u);

  auto f = flows(2);
  ASSERT_EQ(f.size(), 2u);
  for (const auto& flow : f) {
    EXPECT_EQ(flow.error, "");
    EXPECT_EQ(flow.response->body.data, "streamed until close");
  }
}

TEST_F(ForwardTest, CloseDelimitedResponseToHttp10ClientEndsWithClose) {
  start();
  OriginServer origin(OriginServer::close_delimited("for an old client"));
  TestClient client(port());
  ASSERT_TRUE(client.send("GET " + origin.url("/") + " HTTP/1.0\r\n\r\n"));
  HttpResponse r = client.read_response();
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 200);
  EXPECT_FALSE(r.has_header("Transfer-Encoding"));
  EXPECT_FALSE(r.has_header("Content-Length"));
  EXPECT_EQ(r.body, "for an old client");
  EXPECT_TRUE(r.closed);
  EXPECT_EQ(flows(1).at(0).error, "");
}

TEST_F(ForwardTest, CloseDelimitedResponseToConnectionCloseClient) {
  start();
  OriginServer origin(OriginServer::close_delimited("bye"));
  TestClient client(port());
  ASSERT_TRUE(client.send(get(origin, "/", "Connection: close\r\n")));
  HttpResponse r = client.read_response();
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.body, "bye");
  EXPECT_EQ(r.header("Connection"), "close");
  EXPECT_TRUE(r.closed || client.wait_closed());
  EXPECT_EQ(flows(1).at(0).error, "");
}

TEST_F(ForwardTest, ContentLengthResponseToConnectionCloseClientCloses) {
  start();
  OriginServer origin(OriginServer::fixed(200, "done"));
  TestClient client(port());
  ASSERT_TRUE(client.send(get(origin, "/", "Connection: close\r\n")));
  HttpResponse r = client.read_response();
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.body, "done");
  EXPECT_EQ(r.header("Connection"), "close");
  EXPECT_TRUE(client.wait_closed());
  // The origin connection is kept for reuse: Connection: close was the client's hop only.
  EXPECT_EQ(header_of(origin.requests().at(0).head.headers, "Connection"), "");
  EXPECT_EQ(flows(1).at(0).error, "");
}

TEST_F(ForwardTest, HeadResponseHasNoBodyAndKeepsTheConnectionInStep) {
  start();
  OriginServer origin(OriginServer::head_aware("0123456789"));
  TestClient client(port());
  ASSERT_TRUE(client.send("HEAD " + origin.url("/doc") +
                          " HTTP/1.1\r\nHost: " + origin.authority() + "\r\n\r\n"));
  HttpResponse head = client.read_head_response();
  ASSERT_TRUE(head.complete) << head.error;
  EXPECT_EQ(head.status(), 200);
  EXPECT_EQ(head.header("Content-Length"), "10");
  EXPECT_EQ(head.body, "");

  ASSERT_TRUE(client.send(get(origin, "/doc")));
  HttpResponse r = client.read_response();
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.body, "0123456789");
  EXPECT_EQ(origin.connection_count(), 1u);

  auto f = flows(2);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].request.method, "HEAD");
  EXPECT_EQ(f[0].error, "");
  EXPECT_EQ(f[0].response->body.size, 0u);
  EXPECT_EQ(f[1].error, "");
  EXPECT_EQ(f[1].response->body.data, "0123456789");
}

TEST_F(ForwardTest, NoContentAndNotModifiedHaveNoBody) {
  start();
  OriginServer origin([](Exchange& ex) {
    const std::string& target = ex.head().target;
    if (target == "/204") {
      OriginServer::no_content()(ex);
    } else if (target == "/304") {
      OriginServer::not_modified()(ex);
    } else {
      OriginServer::fixed(200, "after")(ex);
    }
  });
  TestClient client(port());
  ASSERT_TRUE(client.send(get(origin, "/204")));
  HttpResponse r204 = client.read_response();
  ASSERT_TRUE(r204.complete) << r204.error;
  EXPECT_EQ(r204.status(), 204);
  EXPECT_EQ(r204.body, "");
  EXPECT_FALSE(r204.has_header("Transfer-Encoding"));

  ASSERT_TRUE(client.send(get(origin, "/304", "If-None-Match: \"v1\"\r\n")));
  HttpResponse r304 = client.read_response();
  ASSERT_TRUE(r304.complete) << r304.error;
  EXPECT_EQ(r304.status(), 304);
  EXPECT_EQ(r304.body, "");
  EXPECT_EQ(r304.header("ETag"), "\"v1\"");
  EXPECT_FALSE(r304.has_header("Transfer-Encoding"));

  ASSERT_TRUE(client.send(get(origin, "/after")));
  HttpResponse r = client.read_response();
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.body, "after");
  EXPECT_EQ(origin.connection_count(), 1u);

  auto f = flows(3);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].response->status, 204);
  EXPECT_EQ(f[1].response->status, 304);
  EXPECT_EQ(f[2].response->status, 200);
  for (const auto& flow : f) EXPECT_EQ(flow.error, "");
}

TEST_F(ForwardTest, ExpectContinueIsForwardedAndTheInterimResponseRelayed) {
  start();
  OriginServer origin(OriginServer::continue_then_echo());
  TestClient client(port());
  ASSERT_TRUE(client.send("PUT " + origin.url("/put") + " HTTP/1.1\r\nHost: " + origin.authority() +
                          "\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n"));
  // The client sends no body until it has seen 100 Continue, which must come from the origin.
  HttpResponse interim = client.read_response();
  ASSERT_TRUE(interim.complete) << interim.error;
  EXPECT_EQ(interim.status(), 100);
  ASSERT_TRUE(client.send("hello world"));
  HttpResponse r = client.read_response();
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 200);
  EXPECT_EQ(r.body, "hello world");

  auto received = origin.requests();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(header_of(received[0].head.headers, "Expect"), "100-continue");
  EXPECT_EQ(received[0].body, "hello world");

  auto f = flows(1);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].error, "");
  EXPECT_EQ(f[0].response->status, 200);
  EXPECT_EQ(f[0].request.body.data, "hello world");
}

TEST_F(ForwardTest, EarlyHintsAreRelayedBeforeTheFinalResponse) {
  start();
  OriginServer origin([](Exchange& ex) {
    ex.body();
    ex.write("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n");
    ex.respond(200, "final");
  });
  TestClient client(port());
  ASSERT_TRUE(client.send(get(origin, "/")));
  HttpResponse hints = client.read_response();
  ASSERT_TRUE(hints.complete) << hints.error;
  EXPECT_EQ(hints.status(), 103);
  EXPECT_EQ(hints.header("Link"), "</style.css>; rel=preload");
  HttpResponse r = client.read_response();
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 200);
  EXPECT_EQ(r.body, "final");
  auto f = flows(1);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].response->status, 200);
}

TEST_F(ForwardTest, AbsoluteUrlWithoutPathBecomesSlash) {
  start();
  OriginServer origin(OriginServer::echo());
  HttpResponse r = exchange("GET http://" + origin.authority() +
                            " HTTP/1.1\r\nHost: " + origin.authority() + "\r\n\r\n");
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 200);
  EXPECT_EQ(r.header("X-Target"), "/");
}

TEST_F(ForwardTest, ChunkedResponseToHttp10ClientIsNotChunked) {
  start();
  OriginServer origin(OriginServer::chunked({"old ", "client"}));
  TestClient client(port());
  ASSERT_TRUE(client.send("GET " + origin.url("/") + " HTTP/1.0\r\nHost: " + origin.authority() +
                          "\r\n\r\n"));
  HttpResponse r = client.read_response();
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 200);
  // RFC 9112 §6.1: no Transfer-Encoding in a response to an HTTP/1.0 request.
  EXPECT_FALSE(r.has_header("Transfer-Encoding")) << r.raw;
  EXPECT_EQ(r.body, "old client");
  EXPECT_EQ(flows(1).at(0).error, "");
}

TEST_F(ForwardTest, TransferCodingsBeforeChunkedAreNotLost) {
  start();
  // The body is opaque to the proxy; what matters is that the client is still
  // told it carries a gzip transfer-coding (or gets it decoded).
  OriginServer origin([](Exchange& ex) {
    ex.body();
    ex.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n4\r\nGZIP\r\n0\r\n\r\n");
  });
  HttpResponse r = exchange(get(origin, "/"));
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 200);
  EXPECT_NE(r.header("Transfer-Encoding").find("gzip"), std::string::npos)
      << "the client would take gzip bytes for the body itself: " << r.raw;
}

TEST_F(ForwardTest, OriginConnectionCloseDoesNotCloseTheClient) {
  start();
  OriginServer origin([](Exchange& ex) {
    ex.body();
    http::Headers extra;
    extra.add("Connection", "close");
    ex.respond(200, "closing " + ex.head().target, extra);
    ex.close_after();
  });
  TestClient client(port());
  for (const char* path : {"/1", "/2"}) {
    ASSERT_TRUE(client.send(get(origin, path)));
    HttpResponse r = client.read_response();
    ASSERT_TRUE(r.complete) << r.error;
    EXPECT_EQ(r.body, std::string("closing ") + path);
    EXPECT_FALSE(r.has_header("Connection"));  // the origin's hop, not the client's
    EXPECT_FALSE(r.closed);
  }
  EXPECT_EQ(origin.connection_count(), 2u);
  for (const auto& flow : flows(2)) EXPECT_EQ(flow.error, "");
}

TEST_F(ForwardTest, EarlyResponseBeforeTheRequestBodyEnds) {
  start();
  OriginServer origin([](Exchange& ex) {
    // Answer from the head alone, as a server refusing an upload does.
    ex.respond(413, "too big");
    ex.close_after();
  });
  TestClient client(port());
  ASSERT_TRUE(client.send("POST " + origin.url("/upload") + " HTTP/1.1\r\nHost: " +
                          origin.authority() + "\r\nContent-Length: 1000000\r\n\r\npartial"));
  HttpResponse r = client.read_response();
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 413);
  EXPECT_EQ(r.body, "too big");
  EXPECT_EQ(r.header("Connection"), "close");  // the rest of the upload cannot be framed any more
  auto f = flows(1);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].response->status, 413);
}

TEST_F(ForwardTest, ClientHalfCloseAfterTheRequestStillGetsTheResponse) {
  start();
  OriginServer origin(OriginServer::echo());
  TestClient client(port());
  ASSERT_TRUE(client.send(get(origin, "/half")));
  client.shutdown_write();
  HttpResponse r = client.read_response();
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 200);
  EXPECT_EQ(r.header("X-Target"), "/half");
  EXPECT_TRUE(r.closed || client.wait_closed());
  EXPECT_EQ(flows(1).at(0).error, "");
}

TEST_F(ForwardTest, ClientClosingMidBodyIsRecorded) {
  start();
  OriginServer origin(OriginServer::echo());
  TestClient client(port());
  ASSERT_TRUE(client.send("POST " + origin.url("/cut") + " HTTP/1.1\r\nHost: " +
                          origin.authority() + "\r\nContent-Length: 100\r\n\r\n0123456789"));
  ASSERT_TRUE(origin.wait_for_requests(1));
  client.shutdown_write();
  EXPECT_EQ(client.read_until_eof(), "");
  auto f = flows(1);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].error, "client closed the connection before the request was complete");
  EXPECT_EQ(f[0].request.body.data, "0123456789");
  EXPECT_TRUE(origin.wait_for_peer_closes(1));  // the upstream was dropped too
}

TEST_F(ForwardTest, SlowResponderPiecesArriveWhole) {
  start();
  OriginServer origin(OriginServer::slow({"first ", "second ", "third"}));
  HttpResponse r = exchange(get(origin, "/slow"));
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.body, "first second third");
  EXPECT_EQ(flows(1).at(0).response->body.data, "first second third");
}

TEST_F(ForwardTest, ResolveOverrideMapsAFakeHostToTheOrigin) {
  OriginServer origin(OriginServer::echo());
  proxy::Config config = testsupport::test_config();
  config.resolve.push_back({"fake.test", origin.port(), "127.0.0.1"});
  start(config);
  const std::string authority = "fake.test:" + std::to_string(origin.port());
  HttpResponse r =
      exchange("GET http://" + authority + "/resolved HTTP/1.1\r\nHost: " + authority + "\r\n\r\n");
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 200);
  EXPECT_EQ(r.header("X-Target"), "/resolved");
  auto received = origin.requests();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(header_of(received[0].head.headers, "Host"), authority);

  auto f = flows(1);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].error, "");
  EXPECT_EQ(f[0].server_address, origin.authority());
  EXPECT_EQ(f[0].request.url, "http://" + authority + "/resolved");
}

TEST_F(ForwardTest, ResolveOverrideAppliesOnlyToItsPort) {
  OriginServer origin(OriginServer::echo());
  testsupport::RefusingPort other;
  proxy::Config config = testsupport::test_config();
  config.resolve.push_back({"fake.test", other.port(), "127.0.0.1"});
  start(config);
  // fake.test:ORIGIN is not overridden, and .test does not resolve: 502.
  const std::string authority = "fake.test:" + std::to_string(origin.port());
  HttpResponse r =
      exchange("GET http://" + authority + "/ HTTP/1.1\r\nHost: " + authority + "\r\n\r\n");
  ASSERT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status(), 502);
  EXPECT_EQ(origin.connection_count(), 0u);
  auto f = flows(1);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].error.find("DNS lookup failed"), std::string::npos) << f[0].error;
}

}  // namespace
}  // namespace flowscope::integration
