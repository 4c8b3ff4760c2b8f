// loadgen: an HTTP/1.1 load generator that, unlike wrk and h2load, can go through an HTTP proxy.
#include <uv.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

#include "options.hpp"
#include "report.hpp"
#include "targets.hpp"
#include "worker.hpp"

using namespace flowscope::loadgen;

int main(int argc, char** argv) {
  // A peer that closes mid-write must surface as EPIPE on that connection, not kill the run.
  std::signal(SIGPIPE, SIG_IGN);

  auto options = parse_options(argc, argv);
  if (!options) return options.error();
  auto origins = build_origins(*options);
  if (!origins) {
    std::cerr << "loadgen: " << origins.error() << '\n';
    return 2;
  }

  Budget budget(options->requests);
  std::vector<std::unique_ptr<Worker>> workers;
  for (unsigned i = 0; i < options->threads; ++i) {
    // Connections split as evenly as possible: the first (c mod t) workers take one more.
    unsigned share = options->connections / options->threads +
                     (i < options->connections % options->threads ? 1 : 0);
    auto worker = std::make_unique<Worker>(*options, *origins, budget, share);
    // Loops and TLS contexts (CA store loading) are set up before the clock starts.
    if (auto ok = worker->init(); !ok) {
      std::cerr << "loadgen: " << ok.error() << '\n';
      return 2;
    }
    workers.push_back(std::move(worker));
  }

  uint64_t start_ns = uv_hrtime();
  uint64_t deadline_ns =
      options->duration_s > 0 ? start_ns + static_cast<uint64_t>(options->duration_s * 1e9) : 0;
  {
    std::vector<std::jthread> threads;
    for (auto& worker : workers) {
      threads.emplace_back([&worker, deadline_ns] { worker->run(deadline_ns); });
    }
  }  // jthreads join here

  Stats total;
  uint64_t end_ns = start_ns;
  for (const auto& worker : workers) {
    total.merge(worker->stats());
    end_ns = std::max(end_ns, worker->finished_ns());
  }
  RunResult result{*options, origins->size(), static_cast<double>(end_ns - start_ns) / 1e9, total};
  print_summary(std::cout, result);
  if (!options->json_path.empty()) {
    std::ofstream out(options->json_path);
    out << to_json(result).dump(2) << '\n';
    if (!out) {
      std::cerr << "loadgen: cannot write --json " << options->json_path << '\n';
      return 2;
    }
  }
  return total.error_total() == 0 && total.completed > 0 ? 0 : 1;
}
