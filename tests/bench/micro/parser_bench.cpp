// http::Parser throughput on typical request and response heads, and on a body.
#include <benchmark/benchmark.h>

#include <string>

#include "core/http/parser.hpp"

namespace {

using flowscope::http::MessageKind;
using flowscope::http::ParseStatus;
using flowscope::http::Parser;

const std::string kRequest =
    "GET http://example.test/api/items?page=2&sort=desc HTTP/1.1\r\n"
    "Host: example.test\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36\r\n"
    "Accept: application/json, text/plain, */*\r\n"
    "Accept-Language: en-US,en;q=0.9\r\n"
    "Accept-Encoding: gzip, deflate, br\r\n"
    "Cookie: session=0123456789abcdef; theme=dark\r\n"
    "Proxy-Connection: keep-alive\r\n"
    "\r\n";

const std::string kResponseHead =
    "HTTP/1.1 200 OK\r\n"
    "Date: Tue, 24 Nov 2026 23:38:01 GMT\r\n"
    "Content-Type: application/json; charset=utf-8\r\n"
    "Cache-Control: no-store\r\n"
    "Set-Cookie: session=0123456789abcdef; Path=/; HttpOnly; Secure\r\n"
    "Content-Length: 1024\r\n"
    "\r\n";

// One pipelined message after another on the same parser, as on a keep-alive connection.
void BM_ParseRequestHead(benchmark::State& state) {
  Parser parser(MessageKind::kRequest);
  for (auto _ : state) {
    auto out = parser.feed(kRequest);
    if (out.status != ParseStatus::kComplete) state.SkipWithError("request did not complete");
    benchmark::DoNotOptimize(parser.take_request_head());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kRequest.size()));
}
BENCHMARK(BM_ParseRequestHead);

void BM_ParseResponseWith1KiBBody(benchmark::State& state) {
  const std::string message = kResponseHead + std::string(1024, 'x');
  Parser parser(MessageKind::kResponse);
  for (auto _ : state) {
    auto out = parser.feed(message);
    if (out.status != ParseStatus::kComplete) state.SkipWithError("response did not complete");
    benchmark::DoNotOptimize(parser.take_response_head());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * message.size()));
}
BENCHMARK(BM_ParseResponseWith1KiBBody);

// A large chunked body, 64 KiB per feed: llhttp skips body bytes by length without
// reading them, so this measures the per-chunk cost, not a per-byte one.
void BM_ParseChunkedBody(benchmark::State& state) {
  const std::string chunk = "10000\r\n" + std::string(0x10000, 'y') + "\r\n";
  Parser parser(MessageKind::kResponse);
  parser.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
  for (auto _ : state) {
    auto out = parser.feed(chunk);
    benchmark::DoNotOptimize(out.body.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * chunk.size()));
}
BENCHMARK(BM_ParseChunkedBody);

}  // namespace
