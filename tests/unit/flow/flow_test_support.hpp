#pragma once
// Sample flows and a field-by-field comparison for the flow store tests.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "core/flow/flow.hpp"

namespace flowscope::flow::testing {

inline void expect_same_headers(const http::Headers& a, const http::Headers& b, const char* where) {
  ASSERT_EQ(a.items.size(), b.items.size()) << where;
  for (std::size_t i = 0; i < a.items.size(); ++i) {
    EXPECT_EQ(a.items[i].name, b.items[i].name) << where << " header " << i;
    EXPECT_EQ(a.items[i].value, b.items[i].value) << where << " header " << i;
  }
}

inline void expect_same_body(const Body& a, const Body& b, const char* where) {
  EXPECT_EQ(a.data, b.data) << where;
  EXPECT_EQ(a.size, b.size) << where;
  EXPECT_EQ(a.truncated, b.truncated) << where;
}

inline void expect_same_side(const TlsSide& a, const TlsSide& b) {
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.cipher, b.cipher);
  EXPECT_EQ(a.alpn, b.alpn);
}

inline void expect_same_websocket(const std::optional<WebSocket>& a,
                                  const std::optional<WebSocket>& b) {
  ASSERT_EQ(a.has_value(), b.has_value());
  if (!a) return;
  EXPECT_EQ(a->protocol, b->protocol);
  EXPECT_EQ(a->extensions, b->extensions);
  ASSERT_EQ(a->messages.size(), b->messages.size());
  for (std::size_t i = 0; i < a->messages.size(); ++i) {
    const WebSocketMessage& x = a->messages[i];
    const WebSocketMessage& y = b->messages[i];
    SCOPED_TRACE("websocket message " + std::to_string(i));
    EXPECT_EQ(x.from_client, y.from_client);
    EXPECT_EQ(x.time_us, y.time_us);
    EXPECT_EQ(x.opcode, y.opcode);
    EXPECT_EQ(x.length, y.length);
    EXPECT_EQ(x.data, y.data);
    EXPECT_EQ(x.truncated, y.truncated);
    EXPECT_EQ(x.compressed, y.compressed);
    EXPECT_EQ(x.wire_length, y.wire_length);
    EXPECT_EQ(x.close_code, y.close_code);
    EXPECT_EQ(x.error, y.error);
  }
  EXPECT_EQ(a->messages_dropped, b->messages_dropped);
  ASSERT_EQ(a->close.has_value(), b->close.has_value());
  if (a->close) {
    EXPECT_EQ(a->close->from_client, b->close->from_client);
    EXPECT_EQ(a->close->code, b->close->code);
    EXPECT_EQ(a->close->reason, b->close->reason);
    EXPECT_EQ(a->close->answered, b->close->answered);
  }
  EXPECT_EQ(a->protocol_error, b->protocol_error);
}

// Every field of Flow; keep in step with core/flow/flow.hpp.
inline void expect_same_flow(const Flow& a, const Flow& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.connection_id, b.connection_id);
  EXPECT_EQ(a.started_us, b.started_us);
  EXPECT_EQ(a.client_address, b.client_address);
  EXPECT_EQ(a.server_address, b.server_address);
  EXPECT_EQ(a.scheme, b.scheme);
  EXPECT_EQ(a.request.method, b.request.method);
  EXPECT_EQ(a.request.url, b.request.url);
  EXPECT_EQ(a.request.http_version, b.request.http_version);
  expect_same_headers(a.request.headers, b.request.headers, "request");
  expect_same_body(a.request.body, b.request.body, "request body");
  ASSERT_EQ(a.response.has_value(), b.response.has_value());
  if (a.response) {
    EXPECT_EQ(a.response->status, b.response->status);
    EXPECT_EQ(a.response->reason, b.response->reason);
    EXPECT_EQ(a.response->http_version, b.response->http_version);
    expect_same_headers(a.response->headers, b.response->headers, "response");
    expect_same_body(a.response->body, b.response->body, "response body");
  }
  EXPECT_EQ(a.timings.dns, b.timings.dns);
  EXPECT_EQ(a.timings.connect, b.timings.connect);
  EXPECT_EQ(a.timings.tls, b.timings.tls);
  EXPECT_EQ(a.timings.send, b.timings.send);
  EXPECT_EQ(a.timings.wait, b.timings.wait);
  EXPECT_EQ(a.timings.receive, b.timings.receive);
  ASSERT_EQ(a.tunnel.has_value(), b.tunnel.has_value());
  if (a.tunnel) {
    EXPECT_EQ(a.tunnel->host, b.tunnel->host);
    EXPECT_EQ(a.tunnel->port, b.tunnel->port);
    EXPECT_EQ(a.tunnel->bytes_from_client, b.tunnel->bytes_from_client);
    EXPECT_EQ(a.tunnel->bytes_from_server, b.tunnel->bytes_from_server);
    EXPECT_EQ(a.tunnel->duration_ms, b.tunnel->duration_ms);
    EXPECT_EQ(a.tunnel->protocol, b.tunnel->protocol);
  }
  ASSERT_EQ(a.tls.has_value(), b.tls.has_value());
  if (a.tls) {
    EXPECT_EQ(a.tls->sni, b.tls->sni);
    expect_same_side(a.tls->client, b.tls->client);
    expect_same_side(a.tls->server, b.tls->server);
    EXPECT_EQ(a.tls->upstream_verify, b.tls->upstream_verify);
    EXPECT_EQ(a.tls->server_cert_subject, b.tls->server_cert_subject);
    EXPECT_EQ(a.tls->server_cert_issuer, b.tls->server_cert_issuer);
    EXPECT_EQ(a.tls->server_cert_not_after, b.tls->server_cert_not_after);
  }
  expect_same_websocket(a.websocket, b.websocket);
  EXPECT_EQ(a.error, b.error);
  EXPECT_EQ(a.replay_of, b.replay_of);
  ASSERT_EQ(a.redactions.size(), b.redactions.size());
  for (std::size_t i = 0; i < a.redactions.size(); ++i) {
    EXPECT_EQ(a.redactions[i].where, b.redactions[i].where) << "redaction " << i;
    EXPECT_EQ(a.redactions[i].name, b.redactions[i].name) << "redaction " << i;
    EXPECT_EQ(a.redactions[i].original_length, b.redactions[i].original_length) << "redaction " << i;
    EXPECT_EQ(a.redactions[i].content_encoding, b.redactions[i].content_encoding) << "redaction " << i;
  }
  EXPECT_EQ(a.served_from, b.served_from);
}

// A WebSocket session after a 101 with one of each kind of message: text, binary, ping,
// pong, and a close answered by the server.
inline WebSocket chat_websocket(std::int64_t opened_us) {
  WebSocket ws;
  ws.protocol = "chat";
  ws.extensions = "permessage-deflate";
  auto add = [&](bool from_client, std::uint8_t opcode, std::string data) -> WebSocketMessage& {
    WebSocketMessage m;
    m.from_client = from_client;
    m.time_us = opened_us + 1'000 * static_cast<std::int64_t>(ws.messages.size() + 1);
    m.opcode = opcode;
    m.length = data.size();
    m.wire_length = data.size();
    m.data = std::move(data);
    return ws.messages.emplace_back(std::move(m));
  };
  add(true, 1, "hello");
  WebSocketMessage& squeezed = add(false, 1, "hello, hello, hello");
  squeezed.compressed = true;
  squeezed.wire_length = 9;
  add(false, 2, std::string("\x00\x01\x02\xff", 4));
  add(true, 9, "are you there");
  add(false, 10, "are you there");
  // A close frame's length is its whole payload: the 2-byte code and the reason.
  for (bool from_client : {true, false}) {
    WebSocketMessage& close = add(from_client, 8, "bye");
    close.close_code = 1000;
    close.length = close.wire_length = 2 + close.data.size();
  }
  ws.close = WebSocketClose{true, 1000, "bye", true};
  return ws;
}

// A typical intercepted HTTPS exchange with a small JSON response.
inline Flow small_flow(std::uint64_t n = 1) {
  Flow f;
  f.id = "7-" + std::to_string(n);
  f.connection_id = 7;
  f.started_us = 1'795'563'481'123'456 + static_cast<std::int64_t>(n);
  f.client_address = "127.0.0.1:53422";
  f.server_address = "93.184.216.34:443";
  f.scheme = "https";
  f.request.method = "GET";
  f.request.url = "https://api.example.com/v1/items?id=" + std::to_string(n);
  f.request.http_version = "HTTP/1.1";
  f.request.headers.add("Host", "api.example.com");
  f.request.headers.add("User-Agent", "curl/7.88.1");
  f.request.headers.add("Accept", "application/json");
  Response r;
  r.status = 200;
  r.reason = "OK";
  r.http_version = "HTTP/1.1";
  r.headers.add("Content-Type", "application/json");
  r.headers.add("Content-Length", "27");
  r.body.data = R"({"id":1,"name":"widget"}  )";
  r.body.data.resize(27, ' ');
  r.body.size = 27;
  f.response = std::move(r);
  f.timings = Timings{-1, 1.25, 3.5, 0.125, 12.75, 0.5};
  f.tls = Tls{"api.example.com",
              {"TLSv1.3", "TLS_AES_128_GCM_SHA256", "http/1.1"},
              {"TLSv1.3", "TLS_AES_256_GCM_SHA384", "http/1.1"},
              "ok",
              "CN=api.example.com",
              "C=US, O=Let's Encrypt, CN=R3",
              "Jan  1 00:00:00 2027 GMT"};
  return f;
}

// A fresh directory under $TMPDIR, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "flowscope-flow-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const char* name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::filesystem::path& path, const std::string& bytes,
                       std::ios::openmode mode = std::ios::binary | std::ios::trunc) {
  std::ofstream out(path, mode | std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace flowscope::flow::testing
