// What redaction adds to the sink path, beside what the store already spends on the same
// flow (to_json_line): a typical API flow with and without secrets, and 1 MiB bodies
// (JSON without a secret, JSON with many, and a binary download that is never read).
// Run: build/tests/bench/micro_bench --benchmark_filter=Redact
#include <benchmark/benchmark.h>

#include <string>

#include "core/flow/json_line_writer.hpp"
#include "core/redact/redactor.hpp"

namespace flowscope::redact {
namespace {

flow::Flow api_flow(bool with_secrets) {
  flow::Flow flow;
  flow.id = "1-1";
  flow.client_address = "127.0.0.1:53122";
  flow.scheme = "https";
  flow.request.method = "GET";
  flow.request.url = with_secrets ? "https://api.example.com/v1/items?page=2&access_token=abc123"
                                  : "https://api.example.com/v1/items?page=2&sort=name";
  flow.request.http_version = "HTTP/1.1";
  auto& q = flow.request.headers;
  q.add("Host", "api.example.com");
  q.add("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0");
  q.add("Accept", "application/json, text/plain, */*");
  q.add("Accept-Language", "en-US,en;q=0.9");
  q.add("Accept-Encoding", "gzip, deflate, br, zstd");
  if (with_secrets) {
    q.add("Authorization", "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0");
    q.add("Cookie", "session=abc123def456; theme=dark");
  }
  q.add("Referer", "https://app.example.com/items");
  flow::Response response;
  response.status = 200;
  response.reason = "OK";
  response.http_version = "HTTP/1.1";
  response.headers.add("Content-Type", "application/json; charset=utf-8");
  response.headers.add("Cache-Control", "no-store");
  response.headers.add("X-Request-Id", "0f8fad5b-d9cb-469f-a165-70867728950e");
  response.body.data = R"({"items":[{"id":1,"name":"widget","price":9.5},{"id":2,"name":"gadget","price":12}],)";
  response.body.data += with_secrets ? R"("session":{"token":"t-123"}})" : R"("next":null})";
  response.body.size = response.body.data.size();
  flow.response = std::move(response);
  return flow;
}

// About 1 MiB of JSON: an array of objects, each with `secret_every`-th one holding a token.
flow::Flow big_json_flow(int secret_every) {
  flow::Flow flow = api_flow(false);
  std::string& body = flow.response->body.data;
  body = "{\"items\":[";
  for (int i = 0; body.size() < (1 << 20); ++i) {
    if (i > 0) body += ',';
    body += R"({"id":)" + std::to_string(i) + R"(,"name":"item number )" + std::to_string(i) +
            R"(","tags":["a","b","c"],"price":12.5)";
    if (secret_every > 0 && i % secret_every == 0) body += R"(,"api_key":"k-)" + std::to_string(i) + "\"";
    body += '}';
  }
  body += "]}";
  flow.response->body.size = body.size();
  return flow;
}

flow::Flow binary_flow() {
  flow::Flow flow = api_flow(false);
  flow.response->headers.set("Content-Type", "application/octet-stream");
  flow.response->body.data.assign(1 << 20, '\x89');
  flow.response->body.size = flow.response->body.data.size();
  return flow;
}

void redact(benchmark::State& state, const flow::Flow& flow) {
  auto redactor = Redactor::compile();
  for (auto _ : state) benchmark::DoNotOptimize(redactor->redacted(flow));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(flow.response->body.data.size()));
}

void store_line(benchmark::State& state, const flow::Flow& flow) {
  for (auto _ : state) benchmark::DoNotOptimize(flow::to_json_line(flow));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(flow.response->body.data.size()));
}

BENCHMARK_CAPTURE(redact, api_no_secrets, api_flow(false));
BENCHMARK_CAPTURE(redact, api_with_secrets, api_flow(true));
BENCHMARK_CAPTURE(store_line, api_with_secrets, api_flow(true));
BENCHMARK_CAPTURE(redact, json_1mib_no_secrets, big_json_flow(0));
BENCHMARK_CAPTURE(redact, json_1mib_secret_per_100_items, big_json_flow(100));
BENCHMARK_CAPTURE(store_line, json_1mib, big_json_flow(0));
BENCHMARK_CAPTURE(redact, binary_1mib, binary_flow());

}  // namespace
}  // namespace flowscope::redact
