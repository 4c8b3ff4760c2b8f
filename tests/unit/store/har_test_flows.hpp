#pragma once
// Flows shaped like the ones proxy::Session records, for the HAR tests and benchmark.
#include <string>

#include "core/flow/flow.hpp"

namespace flowscope::flow::testing {

// 2026-11-24T23:38:01.123456Z
inline constexpr std::int64_t kStartedUs = 1'795'563'481'123'456;

// An intercepted HTTPS GET with a query, cookies, a JSON answer that sets cookies.
inline flow::Flow https_get() {
  flow::Flow flow;
  flow.id = "7-1";
  flow.connection_id = 7;
  flow.started_us = kStartedUs;
  flow.client_address = "127.0.0.1:53122";
  flow.server_address = "93.184.216.34:443";
  flow.scheme = "https";
  flow.request.method = "GET";
  flow.request.url = "https://example.com/search?q=caf%C3%A9+au+lait&lang=fr&empty=&flag";
  flow.request.http_version = "HTTP/1.1";
  flow.request.headers.add("Host", "example.com");
  flow.request.headers.add("Cookie", "session=abc123; theme=dark");
  flow.request.headers.add("Accept", "application/json");
  flow.request.headers.add("Cookie", "extra=1");
  flow::Response response;
  response.status = 200;
  response.reason = "OK";
  response.http_version = "HTTP/1.1";
  response.headers.add("Content-Type", "application/json; charset=utf-8");
  response.headers.add("Set-Cookie",
                       "id=a3fWa; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Secure; HttpOnly");
  response.headers.add("Set-Cookie", "lang=fr; Path=/docs; Domain=example.com; SameSite=Lax");
  response.headers.add("Content-Length", "27");
  response.body.data = R"({"results":["café","tea"]})";
  response.body.size = response.body.data.size();
  flow.response = response;
  flow.timings =
      flow::Timings{.dns = 1.5, .connect = 10.25, .tls = 20.125, .send = 0.5, .wait = 30, .receive = 2};
  flow::Tls tls;
  tls.sni = "example.com";
  tls.client = {"TLSv1.3", "TLS_AES_128_GCM_SHA256", "http/1.1"};
  tls.server = {"TLSv1.3", "TLS_AES_256_GCM_SHA384", "http/1.1"};
  tls.upstream_verify = "ok";
  tls.server_cert_subject = "CN=example.com";
  tls.server_cert_issuer = "CN=Example CA";
  tls.server_cert_not_after = "2027-01-01T00:00:00Z";
  flow.tls = tls;
  return flow;
}

// A plain-HTTP form POST answered with a redirect.
inline flow::Flow form_post() {
  flow::Flow flow;
  flow.id = "8-1";
  flow.connection_id = 8;
  flow.started_us = kStartedUs + 5'000'000;
  flow.client_address = "127.0.0.1:53124";
  flow.server_address = "[2001:db8::1]:8080";
  flow.scheme = "http";
  flow.request.method = "POST";
  flow.request.url = "http://[2001:db8::1]:8080/login";
  flow.request.http_version = "HTTP/1.1";
  flow.request.headers.add("Host", "[2001:db8::1]:8080");
  flow.request.headers.add("Content-Type", "application/x-www-form-urlencoded");
  flow.request.body.data = "user=j%C3%BCrgen&pass=a+b%26c&remember";
  flow.request.body.size = flow.request.body.data.size();
  flow.request.headers.add("Content-Length", std::to_string(flow.request.body.size));
  flow::Response response;
  response.status = 302;
  response.reason = "Found";
  response.http_version = "HTTP/1.1";
  response.headers.add("Location", "/home");
  response.headers.add("Content-Length", "0");
  flow.response = response;
  flow.timings =
      flow::Timings{.dns = 0.25, .connect = 0.5, .tls = -1, .send = 0.125, .wait = 4, .receive = 0};
  return flow;
}

// An image: bytes that are not UTF-8.
inline flow::Flow binary_get() {
  flow::Flow flow;
  flow.id = "9-1";
  flow.connection_id = 9;
  flow.started_us = kStartedUs + 6'000'000;
  flow.server_address = "10.0.0.2:80";
  flow.scheme = "http";
  flow.request.method = "GET";
  flow.request.url = "http://img.test/logo.png";
  flow.request.http_version = "HTTP/1.1";
  flow::Response response;
  response.status = 200;
  response.reason = "OK";
  response.http_version = "HTTP/1.1";
  response.headers.add("Content-Type", "image/png");
  response.body.data = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xfe", 18);
  response.body.size = response.body.data.size();
  flow.response = response;
  flow.timings = flow::Timings{.dns = -1, .connect = -1, .tls = -1, .send = 0, .wait = 1, .receive = 0.5};
  return flow;
}

// The origin refused the connection: no response, an error.
inline flow::Flow refused() {
  flow::Flow flow;
  flow.id = "10-1";
  flow.connection_id = 10;
  flow.started_us = kStartedUs + 7'000'000;
  flow.client_address = "127.0.0.1:53130";
  flow.scheme = "http";
  flow.request.method = "GET";
  flow.request.url = "http://down.test/";
  flow.request.http_version = "HTTP/1.1";
  flow.request.headers.add("Host", "down.test");
  flow.timings = flow::Timings{.dns = 3, .connect = -1, .tls = -1, .send = -1, .wait = -1, .receive = -1};
  flow.error = "cannot connect to down.test:80: connection refused";
  return flow;
}

// A blind CONNECT tunnel (--no-intercept), as proxy::Session records it.
inline flow::Flow tunnel() {
  flow::Flow flow;
  flow.id = "11-1";
  flow.connection_id = 11;
  flow.started_us = kStartedUs + 8'000'000;
  flow.client_address = "127.0.0.1:53140";
  flow.server_address = "93.184.216.34:443";
  flow.scheme = "tunnel";
  flow.request.method = "CONNECT";
  flow.request.url = "example.com:443";
  flow.request.http_version = "HTTP/1.1";
  flow.request.headers.add("Host", "example.com:443");
  flow.timings = flow::Timings{.dns = 2, .connect = 12, .tls = -1, .send = -1, .wait = -1, .receive = -1};
  flow.tunnel = flow::Tunnel{"example.com", 443, 517, 4096, 1234.5, {}};
  return flow;
}

}  // namespace flowscope::flow::testing
