// Matching speed of compiled filters on a typical API flow (a dozen headers, a small
// JSON answer). The target: under 1 µs per match when no body term is used.
// Run: build/tests/bench/micro_bench --benchmark_filter=Filter
#include <benchmark/benchmark.h>

#include <string>

#include "core/filter/filter.hpp"

namespace flowscope::filter {
namespace {

flow::Flow typical_flow() {
  flow::Flow flow;
  flow.id = "1-1";
  flow.client_address = "127.0.0.1:53122";
  flow.server_address = "93.184.216.34:443";
  flow.scheme = "https";
  flow.request.method = "GET";
  flow.request.url = "https://api.example.com/v1/items?page=2&sort=name&filter=active";
  flow.request.http_version = "HTTP/1.1";
  auto& q = flow.request.headers;
  q.add("Host", "api.example.com");
  q.add("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0");
  q.add("Accept", "application/json, text/plain, */*");
  q.add("Accept-Language", "en-US,en;q=0.9");
  q.add("Accept-Encoding", "gzip, deflate, br, zstd");
  q.add("Authorization", "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0");
  q.add("Cookie", "session=abc123def456; theme=dark");
  q.add("Referer", "https://app.example.com/items");
  q.add("Connection", "keep-alive");
  flow::Response response;
  response.status = 200;
  response.reason = "OK";
  response.http_version = "HTTP/1.1";
  response.headers.add("Content-Type", "application/json; charset=utf-8");
  response.headers.add("Cache-Control", "no-store");
  response.headers.add("Server", "nginx");
  response.headers.add("X-Request-Id", "0f8fad5b-d9cb-469f-a165-70867728950e");
  response.body.data = std::string(R"({"items":[)") + std::string(2000, 'x') + "]}";
  response.body.size = response.body.data.size();
  flow.response = std::move(response);
  flow.timings = {-1, 2, 5, 1, 40, 3};
  return flow;
}

void match(benchmark::State& state, const char* expression) {
  auto filter = Filter::compile(expression);
  if (!filter) {
    state.SkipWithError(filter.error().message.c_str());
    return;
  }
  const flow::Flow flow = typical_flow();
  for (auto _ : state) benchmark::DoNotOptimize(filter->matches(flow));
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK_CAPTURE(match, domain, "~d example.com");
BENCHMARK_CAPTURE(match, url_word, "items");
BENCHMARK_CAPTURE(match, typical, "~d example.com & ~m GET & !~c 4xx & ~t json");
BENCHMARK_CAPTURE(match, header_literal_miss, "~h x-api-key");
BENCHMARK_CAPTURE(match, header_regex, "~h 'x-request-id: [0-9a-f]{8}-'");
BENCHMARK_CAPTURE(match, url_regex, "~u 'v\\d+/items\\?page=\\d+'");
BENCHMARK_CAPTURE(match, everything_but_bodies,
                  "(~d example.com | ~d example.org) ~m GET !~c 5xx ~hs json ~dur <1s ~size <1mb "
                  "!~e !~websocket !~tunnel ~ip 127.0.0.1");
BENCHMARK_CAPTURE(match, body_literal, "~bs widget");

void compile(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(Filter::compile("~d example.com & ~m GET & !~c 4xx & ~t json"));
}
BENCHMARK(compile);

}  // namespace
}  // namespace flowscope::filter
