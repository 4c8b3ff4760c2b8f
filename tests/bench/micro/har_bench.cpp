// HAR export and import speed. Export writes through HarWriter into a byte-counting
// stream, so the figures are entry building + JSON serialization, no disk. bytes/s is
// HAR output; items/s is entries. Run: build/tests/bench/micro_bench --benchmark_filter=Har
#include <benchmark/benchmark.h>

#include <random>
#include <sstream>
#include <streambuf>

#include "core/store/har_reader.hpp"
#include "core/store/har_writer.hpp"

namespace flowscope::store {
namespace {

// Discards what is written and counts it.
class CountingBuffer : public std::streambuf {
 public:
  std::uint64_t count = 0;

 protected:
  std::streamsize xsputn(const char*, std::streamsize n) override {
    count += static_cast<std::uint64_t>(n);
    return n;
  }
  int_type overflow(int_type c) override {
    if (c != traits_type::eof()) ++count;
    return traits_type::not_eof(c);
  }
};

// A typical API call: a dozen request headers, a 2 KiB JSON answer.
flow::Flow small_flow() {
  flow::Flow flow;
  flow.id = "1-1";
  flow.connection_id = 1;
  flow.started_us = 1'795'563'481'123'456;
  flow.client_address = "127.0.0.1:53122";
  flow.server_address = "93.184.216.34:443";
  flow.scheme = "https";
  flow.request.method = "GET";
  flow.request.url = "https://api.example.com/v1/items?page=2&sort=name&filter=active";
  flow.request.http_version = "HTTP/1.1";
  auto& q = flow.request.headers;
  q.add("Host", "api.example.com");
  q.add("User-Agent",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 "
        "Safari/537.36");
  q.add("Accept", "application/json, text/plain, */*");
  q.add("Accept-Language", "en-US,en;q=0.9");
  q.add("Accept-Encoding", "gzip, deflate, br, zstd");
  q.add("Authorization",
        "Bearer "
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N");
  q.add("Cookie", "session=abc123def456; theme=dark; _ga=GA1.2.1234567890.1234567890");
  q.add("Referer", "https://app.example.com/items");
  q.add("Sec-Fetch-Mode", "cors");
  q.add("Connection", "keep-alive");
  flow::Response response;
  response.status = 200;
  response.reason = "OK";
  response.http_version = "HTTP/1.1";
  response.headers.add("Content-Type", "application/json; charset=utf-8");
  response.headers.add("Cache-Control", "no-store");
  response.headers.add(
      "Set-Cookie", "session=abc123def456; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=3600");
  response.headers.add("Date", "Tue, 24 Nov 2026 23:38:01 GMT");
  std::string body = "{\"items\":[";
  for (int i = 0; body.size() < 2000; ++i) {
    body += (i ? "," : "") + std::string("{\"id\":") + std::to_string(i) + ",\"name\":\"item " +
            std::to_string(i) + "\",\"tags\":[\"a\",\"b\"]}";
  }
  body += "]}";
  response.headers.add("Content-Length", std::to_string(body.size()));
  response.body.data = body;
  response.body.size = body.size();
  flow.response = response;
  flow.timings =
      flow::Timings{.dns = 1.5, .connect = 10.25, .tls = 20.125, .send = 0.5, .wait = 30, .receive = 2};
  return flow;
}

flow::Flow large_flow(bool binary) {
  flow::Flow flow = small_flow();
  std::string body(100 * 1024, '\0');
  if (binary) {
    std::mt19937 random(42);
    for (char& c : body) c = static_cast<char>(random());
    flow.response->headers.set("Content-Type", "image/jpeg");
  } else {
    static constexpr std::string_view kLine =
        "<p class=\"row\">Lorem ipsum dolor sit amet, \"quoted\" & <b>bold</b></p>\n";
    for (std::size_t i = 0; i < body.size(); ++i) body[i] = kLine[i % kLine.size()];
    flow.response->headers.set("Content-Type", "text/html; charset=utf-8");
  }
  flow.response->headers.set("Content-Length", std::to_string(body.size()));
  flow.response->body.data = body;
  flow.response->body.size = body.size();
  return flow;
}

void export_flow(benchmark::State& state, const flow::Flow& flow) {
  CountingBuffer buffer;
  std::ostream out(&buffer);
  auto writer = HarWriter::open(out);
  if (!writer) {
    state.SkipWithError(writer.error().message.c_str());
    return;
  }
  for (auto _ : state) {
    if (auto added = writer->add(flow); !added) state.SkipWithError(added.error().message.c_str());
  }
  (void)writer->finish();
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(buffer.count));
}

void BM_HarExportSmall(benchmark::State& state) {
  export_flow(state, small_flow());
}
BENCHMARK(BM_HarExportSmall);

void BM_HarExport100KiBText(benchmark::State& state) {
  export_flow(state, large_flow(false));
}
BENCHMARK(BM_HarExport100KiBText);

void BM_HarExport100KiBBinary(benchmark::State& state) {
  export_flow(state, large_flow(true));
}
BENCHMARK(BM_HarExport100KiBBinary);

// Import of a 1000-entry HAR of small flows, as flowscope wrote it.
void BM_HarImportSmall(benchmark::State& state) {
  std::ostringstream out;
  {
    auto writer = HarWriter::open(out);
    const flow::Flow flow = small_flow();
    for (int i = 0; i < 1000; ++i) (void)writer->add(flow);
  }
  const std::string har = out.str();
  for (auto _ : state) {
    auto flows = read_har(har);
    if (!flows) state.SkipWithError(flows.error().message.c_str());
    benchmark::DoNotOptimize(flows);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 1000);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * har.size()));
}
BENCHMARK(BM_HarImportSmall)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace flowscope::store
