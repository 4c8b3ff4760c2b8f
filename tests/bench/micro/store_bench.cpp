// The JSON Lines flow store: serialisation and parsing of one small flow, store write
// throughput (target ≥ 100k small flows/s through one writer thread), and opening a
// large store (target: 1 GiB in about a second), with and without the page cache.
//
//   build/tests/bench/micro/micro_bench --benchmark_filter=Store
//   FLOWSCOPE_BENCH_STORE_MIB=1024 build/tests/bench/micro/micro_bench --benchmark_filter=Open
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/flow/json_line_writer.hpp"
#include "core/flow/json_reader.hpp"
#include "core/store/store_reader.hpp"
#include "core/store/store_writer.hpp"
#include "tests/unit/flow/json_oracle_writer.hpp"

namespace flowscope::store {
namespace {

// A typical API call through the proxy: 6 request and 6 response headers, a 512-byte
// JSON response, TLS facts; its line is about 1.9 KB.
flow::Flow small_flow(std::uint64_t n) {
  flow::Flow f;
  f.id = "12-" + std::to_string(n);
  f.connection_id = 12;
  f.started_us = 1'795'563'481'123'456 + static_cast<std::int64_t>(n);
  f.client_address = "127.0.0.1:53422";
  f.server_address = "93.184.216.34:443";
  f.scheme = "https";
  f.request.method = "GET";
  f.request.url = "https://api.example.com/v1/items?id=" + std::to_string(n);
  f.request.http_version = "HTTP/1.1";
  for (auto [name, value] : {std::pair{"Host", "api.example.com"},
                             {"User-Agent", "curl/7.88.1"},
                             {"Accept", "application/json"},
                             {"Accept-Encoding", "gzip, br"},
                             {"Connection", "keep-alive"},
                             {"Authorization", "Bearer abcdefghijklmnopqrstuvwxyz0123456789"}})
    f.request.headers.add(name, value);
  flow::Response r;
  r.status = 200;
  r.reason = "OK";
  r.http_version = "HTTP/1.1";
  for (auto [name, value] : {std::pair{"Content-Type", "application/json"},
                             {"Content-Length", "512"},
                             {"Date", "Tue, 24 Nov 2026 23:38:01 GMT"},
                             {"Server", "nginx"},
                             {"Cache-Control", "no-cache"},
                             {"X-Request-Id", "5f1c2a9e-0b7d-4c3e-9a51-3d2f1e0c8b7a"}})
    r.headers.add(name, value);
  r.body.data = "{\"items\":[";
  while (r.body.data.size() < 500)
    r.body.data += "{\"id\":" + std::to_string(r.body.data.size()) + "},";
  r.body.data.resize(511);
  r.body.data += "]";
  r.body.size = r.body.data.size();
  f.response = std::move(r);
  f.timings = flow::Timings{-1, 1.25, 3.5, 0.1, 12.75, 0.5};
  f.tls = flow::Tls{"api.example.com",
              {"TLSv1.3", "TLS_AES_128_GCM_SHA256", "http/1.1"},
              {"TLSv1.3", "TLS_AES_256_GCM_SHA384", "http/1.1"},
              "ok",
              "CN=api.example.com",
              "C=US, O=Let's Encrypt, CN=R3",
              "Jan  1 00:00:00 2027 GMT"};
  return f;
}

std::filesystem::path temp_path(const char* name) {
  return std::filesystem::temp_directory_path() /
         (std::string("flowscope-bench-") + std::to_string(::getpid()) + "-" + name);
}

void BM_SerializeSmallFlow(benchmark::State& state) {
  const flow::Flow flow = small_flow(1);
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string line = flow::to_json_line(flow);
    bytes += line.size();
    benchmark::DoNotOptimize(line);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_SerializeSmallFlow);

// The DOM route (the test oracle's nlohmann build + dump), which the line writer replaced.
void BM_SerializeSmallFlowViaNlohmann(benchmark::State& state) {
  const flow::Flow flow = small_flow(1);
  for (auto _ : state) {
    std::string line = flow::testing::oracle_json(flow).dump();
    benchmark::DoNotOptimize(line);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SerializeSmallFlowViaNlohmann);

// What on_flow pays on a network thread when the writer thread serialises.
void BM_CopySmallFlow(benchmark::State& state) {
  const flow::Flow flow = small_flow(1);
  for (auto _ : state) {
    flow::Flow copy = flow;
    benchmark::DoNotOptimize(copy);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CopySmallFlow);

void BM_ParseSmallFlow(benchmark::State& state) {
  const std::string line = flow::to_json_line(small_flow(1));
  for (auto _ : state) {
    auto flow = flow::parse_json_line(line);
    benchmark::DoNotOptimize(flow);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseSmallFlow);

// Each iteration pushes kBatch flows from `producers` threads and waits for flush():
// items/s is what reached the file. Producers keep at most kInFlight flows ahead of
// the writer, so nothing is dropped and the figure is the sustained pace of the whole
// pipeline. `caller_us` is the mean time a producer spent per flow, including waits
// for the writer, so it is an upper bound on on_flow's own cost.
void BM_StoreWrite(benchmark::State& state, FsyncMode fsync, bool serialize_on_writer) {
  constexpr std::size_t kBatch = 200'000;
  constexpr std::uint64_t kInFlight = 4096;
  const int producers = static_cast<int>(state.range(0));
  const flow::Flow flow = small_flow(1);
  const auto path = temp_path("write.jsonl");
  std::uint64_t written = 0;
  std::uint64_t dropped = 0;
  double caller_seconds = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::filesystem::remove(path);
    StoreOptions options;
    options.fsync = fsync;
    options.queue_capacity = kBatch;
    options.serialize_on_writer = serialize_on_writer;
    auto writer = StoreWriter::open(path, options);
    if (!writer) {
      state.SkipWithError(writer.error().message.c_str());
      return;
    }
    state.ResumeTiming();
    std::atomic<std::uint64_t> submitted{0};
    std::vector<std::thread> threads;
    std::vector<double> spent(static_cast<std::size_t>(producers));
    for (int p = 0; p < producers; ++p) {
      threads.emplace_back([&, p] {
        auto start = std::chrono::steady_clock::now();
        for (std::size_t i = 0; i < kBatch / static_cast<std::size_t>(producers); ++i) {
          // Steady state, not a burst: stay within kInFlight of the writer, as a
          // proxy under sustained load does, so the queue stays small and warm.
          while (submitted.fetch_add(1, std::memory_order_relaxed) >=
                 (*writer)->written() + kInFlight) {
            submitted.fetch_sub(1, std::memory_order_relaxed);
            std::this_thread::yield();
          }
          (*writer)->on_flow(flow);
        }
        spent[static_cast<std::size_t>(p)] =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      });
    }
    for (auto& t : threads) t.join();
    (*writer)->flush();
    written += (*writer)->written();
    dropped += (*writer)->dropped();
    for (double s : spent) caller_seconds += s;
  }
  std::filesystem::remove(path);
  state.SetItemsProcessed(static_cast<std::int64_t>(written));
  state.counters["dropped"] = static_cast<double>(dropped);
  state.counters["caller_us"] =
      written ? caller_seconds * 1e6 / static_cast<double>(written + dropped) : 0;
}
BENCHMARK_CAPTURE(BM_StoreWrite, never_writer_serializes, FsyncMode::kNever, true)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_StoreWrite, never_caller_serializes, FsyncMode::kNever, false)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_StoreWrite, interval_caller_serializes, FsyncMode::kInterval, false)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_StoreWrite, every_caller_serializes, FsyncMode::kEvery, false)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// A store of FLOWSCOPE_BENCH_STORE_MIB MiB (default 256) of small flows, made once.
class LargeStore {
 public:
  static const LargeStore& get() {
    static LargeStore store;
    return store;
  }
  ~LargeStore() { std::filesystem::remove(path_); }
  const std::filesystem::path& path() const { return path_; }
  std::uint64_t bytes() const { return bytes_; }

 private:
  LargeStore() : path_(temp_path("large.jsonl")) {
    std::uint64_t target = 256;
    if (const char* mib = std::getenv("FLOWSCOPE_BENCH_STORE_MIB"))
      target = std::strtoull(mib, nullptr, 10);
    target *= 1024 * 1024;
    std::FILE* out = std::fopen(path_.c_str(), "wb");
    // Serialising every line would dominate set-up; vary a pool of 1024 instead.
    std::vector<std::string> pool;
    for (std::uint64_t i = 0; i < 1024; ++i) pool.push_back(flow::to_json_line(small_flow(i)));
    for (std::uint64_t i = 0; bytes_ < target; ++i) {
      const std::string& line = pool[i % pool.size()];
      std::fwrite(line.data(), 1, line.size(), out);
      bytes_ += line.size();
    }
    std::fflush(out);
    ::fsync(::fileno(out));  // clean pages, so the cold runs can evict them
    std::fclose(out);
  }

  std::filesystem::path path_;
  std::uint64_t bytes_ = 0;
};

void evict_from_page_cache(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  ::close(fd);
}

void BM_OpenLargeStore(benchmark::State& state, bool cold) {
  const LargeStore& store = LargeStore::get();
  std::size_t flows = 0;
  for (auto _ : state) {
    if (cold) {
      state.PauseTiming();
      evict_from_page_cache(store.path());
      state.ResumeTiming();
    }
    auto reader = StoreReader::open(store.path());
    if (!reader) {
      state.SkipWithError(reader.error().message.c_str());
      return;
    }
    flows = reader->size();
    benchmark::DoNotOptimize(reader);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(store.bytes() * state.iterations()));
  state.counters["flows"] = static_cast<double>(flows);
  state.counters["store_MiB"] = static_cast<double>(store.bytes()) / (1024 * 1024);
  // Seconds per GiB at the measured rate: the figure the 1-second target is about.
  state.counters["s_per_GiB"] =
      benchmark::Counter(static_cast<double>(state.iterations()) *
                             static_cast<double>(store.bytes()) / (1024.0 * 1024 * 1024),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK_CAPTURE(BM_OpenLargeStore, page_cache, false)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_OpenLargeStore, cold, true)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

void BM_ReadOneFlowFromLargeStore(benchmark::State& state) {
  auto reader = StoreReader::open(LargeStore::get().path());
  if (!reader) {
    state.SkipWithError(reader.error().message.c_str());
    return;
  }
  std::mt19937_64 rng(1);
  for (auto _ : state) {
    auto flow = reader->read(rng() % reader->size());
    if (!flow) state.SkipWithError(flow.error().message.c_str());
    benchmark::DoNotOptimize(flow);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ReadOneFlowFromLargeStore)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace flowscope::store
