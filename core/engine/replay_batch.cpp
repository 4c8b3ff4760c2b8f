#include "core/engine/replay_batch.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <utility>

namespace flowscope::engine {

std::vector<ReplayResult> replay_all(Engine& engine, const std::vector<flow::Flow>& originals,
                                     std::size_t concurrency, const ReplayFinished& finished) {
  if (concurrency == 0) concurrency = 1;
  std::vector<ReplayResult> results(originals.size());
  // Shared with the worker threads' callbacks, under `mutex`. Every posted replay calls
  // back exactly once, so all callbacks have run when the loop ends.
  std::mutex mutex;
  std::condition_variable arrived;
  std::deque<std::pair<std::size_t, flow::Flow>> arrivals;
  std::size_t in_flight = 0;

  auto report = [&](std::size_t index) {
    if (finished) finished(index, results[index]);
  };
  std::size_t next = 0;
  std::size_t done = 0;
  std::unique_lock lock(mutex);
  while (done < originals.size()) {
    while (!arrivals.empty()) {
      auto [index, flow] = std::move(arrivals.front());
      arrivals.pop_front();
      --in_flight;
      results[index].replay = std::move(flow);
      ++done;
      lock.unlock();
      report(index);
      lock.lock();
    }
    if (next < originals.size() && in_flight < concurrency) {
      const std::size_t index = next++;
      ++in_flight;
      lock.unlock();
      auto sent = engine.replay(originals[index], [&, index](flow::Flow flow) {
        std::lock_guard guard(mutex);
        arrivals.emplace_back(index, std::move(flow));
        arrived.notify_one();
      });
      lock.lock();
      if (!sent) {
        --in_flight;
        results[index].not_sent = sent.error().message;
        ++done;
        lock.unlock();
        report(index);
        lock.lock();
      }
      continue;
    }
    if (done < originals.size()) arrived.wait(lock, [&] { return !arrivals.empty(); });
  }
  return results;
}

}  // namespace flowscope::engine
