#pragma once
// The fixture every integration test uses: a ProxyServer on 127.0.0.1:0 with a
// recording MemorySink, plus helpers to talk to it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "core/flow/flow.hpp"
#include "tests/support/origin_server.hpp"
#include "tests/support/proxy_harness.hpp"
#include "tests/support/test_client.hpp"

namespace flowscope::integration {

using testsupport::Exchange;
using testsupport::Gate;
using testsupport::HttpResponse;
using testsupport::OriginServer;
using testsupport::RawConnection;
using testsupport::TestClient;

class ProxyTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (auto& p : proxies_) p.server->shutdown();
  }

  // Starts a proxy; the first one started is the one port()/flows() talk about.
  testsupport::RunningProxy& start(proxy::Config config = testsupport::test_config()) {
    auto running = testsupport::start_proxy(std::move(config));
    if (!running) {
      ADD_FAILURE() << "proxy did not start: " << running.error().message;
      std::abort();
    }
    proxies_.push_back(std::move(*running));
    return proxies_.back();
  }

  std::uint16_t port() const { return proxies_.front().port(); }
  net::ProxyServer& server() { return *proxies_.front().server; }
  testsupport::RecordingSink& sink() { return *proxies_.front().sink; }

  // Waits (with the hang guard) until `count` flows were recorded.
  std::vector<flow::Flow> flows(std::size_t count) { return sink().wait_for_flows(count); }

  // One request on a fresh connection; the response is read whole.
  HttpResponse exchange(const std::string& request, bool head = false) {
    return exchange_on(port(), request, head);
  }
  HttpResponse exchange_via(const testsupport::RunningProxy& proxy, const std::string& request) {
    return exchange_on(proxy.port(), request, false);
  }
  static HttpResponse exchange_on(std::uint16_t port, const std::string& request, bool head) {
    TestClient client(port);
    EXPECT_TRUE(client.connected()) << client.connect_error();
    EXPECT_TRUE(client.send(request));
    return client.read_response(testsupport::ReadOptions{head, false, {}});
  }

  // "GET http://127.0.0.1:PORT/path HTTP/1.1" with a Host header and `extra` lines.
  static std::string get(const OriginServer& origin, const std::string& path,
                         const std::string& extra = "") {
    return "GET " + origin.url(path) + " HTTP/1.1\r\nHost: " + origin.authority() + "\r\n" + extra +
           "\r\n";
  }

  std::vector<testsupport::RunningProxy> proxies_;
};

// The first value of `name` among `headers`, or "" when absent.
inline std::string header_of(const http::Headers& headers, std::string_view name) {
  const std::string* v = headers.find(name);
  return v ? *v : std::string();
}

// "Name: value" lines in order, for comparing header lists with EXPECT_EQ.
inline std::vector<std::string> header_lines(const http::Headers& headers) {
  std::vector<std::string> out;
  for (const auto& h : headers.items) out.push_back(h.name + ": " + h.value);
  return out;
}

}  // namespace flowscope::integration
