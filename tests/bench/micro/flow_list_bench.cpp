// The GUI's flow list at 100,000 flows: adding them, the visible rows under a filter,
// and a resort by host. A frame has 16 ms; these say how much of it the model takes.
// Run: build/tests/bench/micro_bench --benchmark_filter=FlowList
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "gui/model/flow_list.hpp"

namespace flowscope::gui {
namespace {

constexpr int kFlows = 100'000;

// Flows spread over 50 hosts and a few paths, statuses mostly 200 with some errors.
std::vector<flow::Flow> many_flows() {
  std::vector<flow::Flow> flows;
  flows.reserve(kFlows);
  for (int i = 0; i < kFlows; ++i) {
    flow::Flow flow;
    flow.id = std::to_string(i / 100) + "-" + std::to_string(i % 100);
    flow.started_us = 1'700'000'000'000'000 + i * 1000;
    flow.scheme = "https";
    flow.request.method = i % 7 == 0 ? "POST" : "GET";
    flow.request.url = "https://host" + std::to_string((i * 7919) % 50) + ".example/api/v1/items/" + std::to_string(i);
    flow.request.headers.add("Accept", "application/json");
    flow::Response response;
    response.status = i % 13 == 0 ? 404 : 200;
    response.headers.add("Content-Type", "application/json");
    response.body.size = static_cast<std::uint64_t>(i % 5000);
    flow.response = std::move(response);
    flow.timings.wait = i % 300;
    flows.push_back(std::move(flow));
  }
  return flows;
}

const std::vector<flow::Flow>& shared_flows() {
  static const std::vector<flow::Flow> flows = many_flows();
  return flows;
}

void BM_FlowListAdd100k(benchmark::State& state) {
  const auto& flows = shared_flows();
  for (auto _ : state) {
    FlowList list;
    for (const auto& flow : flows) list.add(flow);
    benchmark::DoNotOptimize(list.visible().size());
  }
  state.SetItemsProcessed(state.iterations() * kFlows);
}
BENCHMARK(BM_FlowListAdd100k)->Unit(benchmark::kMillisecond);

void BM_FlowListFilter100k(benchmark::State& state) {
  FlowList list;
  for (const auto& flow : shared_flows()) list.add(flow);
  list.visible();
  bool flip = false;
  for (auto _ : state) {
    // Alternating makes each call a real rematch of every flow.
    list.set_filter(flip ? "~d host7.example & ~c 200" : "~m POST | ~c 404");
    flip = !flip;
    benchmark::DoNotOptimize(list.visible().size());
  }
  state.SetItemsProcessed(state.iterations() * kFlows);
}
BENCHMARK(BM_FlowListFilter100k)->Unit(benchmark::kMillisecond);

void BM_FlowListSortByHost100k(benchmark::State& state) {
  FlowList list;
  for (const auto& flow : shared_flows()) list.add(flow);
  list.visible();
  bool ascending = false;
  for (auto _ : state) {
    list.sort_by(Column::kHost, ascending);
    ascending = !ascending;
    benchmark::DoNotOptimize(list.visible().size());
  }
  state.SetItemsProcessed(state.iterations() * kFlows);
}
BENCHMARK(BM_FlowListSortByHost100k)->Unit(benchmark::kMillisecond);

// One live frame: ten new flows into a 100k list sorted by host under a filter.
void BM_FlowListLiveFrame100k(benchmark::State& state) {
  FlowList list;
  const auto& flows = shared_flows();
  for (const auto& flow : flows) list.add(flow);
  list.set_filter("~c 200");
  list.sort_by(Column::kHost, true);
  list.visible();
  int next = 0;
  for (auto _ : state) {
    for (int i = 0; i < 10; ++i) {
      flow::Flow flow = flows[static_cast<std::size_t>(next++ % kFlows)];
      flow.id = "live-" + std::to_string(next);
      list.add(std::move(flow));
    }
    benchmark::DoNotOptimize(list.visible().size());
  }
}
BENCHMARK(BM_FlowListLiveFrame100k)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace flowscope::gui
