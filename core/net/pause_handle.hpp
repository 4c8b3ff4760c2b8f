#pragma once
// The handles a paused hook answers through (proxy::PausedExchange), for a session run
// by a ClientConnection. resume() may come from any thread (the GUI's), at any time:
// after the exchange ended, after the connection closed, after the engine stopped.
// So the handle reaches its connection only by posting to the worker's loop through
// a LoopPost (which outlives the Worker and then drops tasks), and on the loop it
// checks that the connection still exists (ConnectionRef, cleared on the loop when
// the connection goes).
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

#include "core/proxy/hooks.hpp"

namespace flowscope::net {

class ClientConnection;
class Worker;

// Runs a task on a worker's loop, or drops it once the worker is gone or draining.
class LoopPost {
 public:
  explicit LoopPost(Worker* worker) : worker_(worker) {}
  bool post(std::function<void()> task);
  // From the worker's destructor: later posts are dropped.
  void detach();

 private:
  std::mutex mutex_;
  Worker* worker_;
};

// Read and cleared only on the connection's loop thread.
struct ConnectionRef {
  ClientConnection* connection = nullptr;
};

class PauseHandle : public proxy::PausedExchange {
 public:
  PauseHandle(std::shared_ptr<LoopPost> post, std::shared_ptr<ConnectionRef> connection, std::uint64_t pause_id)
      : post_(std::move(post)), connection_(std::move(connection)), pause_id_(pause_id) {}
  void resume(proxy::HookAnswer answer, std::optional<flow::Flow> edited) override;

 private:
  std::shared_ptr<LoopPost> post_;
  std::shared_ptr<ConnectionRef> connection_;
  std::uint64_t pause_id_;
  std::atomic<bool> resumed_{false};
};

}  // namespace flowscope::net
