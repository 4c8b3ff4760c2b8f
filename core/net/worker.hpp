#pragma once
// One event loop on its own thread with its own SO_REUSEPORT listener, its own
// upstream pool and the client connections it accepted.
#include <uv.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>
#include <string>
#include <thread>
#include <unordered_set>

#include "core/flow/sink.hpp"
#include "core/net/pause_handle.hpp"
#include "core/net/upstream_pool.hpp"
#include "core/proxy/config.hpp"
#include "core/proxy/connect_policy.hpp"
#include "core/proxy/hooks.hpp"
#include "core/proxy/interception.hpp"
#include "core/result.hpp"

namespace flowscope::net {

class ClientConnection;

class Worker {
 public:
  Worker(const proxy::Config& config, proxy::ConnectPolicy& policy, const proxy::Interception* interception,
         proxy::Hook* hook, flow::FlowSink& sink, std::atomic<std::uint64_t>& connection_ids);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Binds on the calling thread (before start), so errors surface synchronously.
  Result<std::uint16_t> bind(const sockaddr* address);
  void start();
  // From any thread: stop accepting, drain, then let the thread end.
  void request_shutdown();
  // From any thread: run `task` on this worker's loop thread. False once the worker
  // is draining (the task is dropped, not run).
  bool post(std::function<void()> task);
  // The same, through a handle that may outlive this worker (pause handles keep it).
  const std::shared_ptr<LoopPost>& loop_post() const { return loop_post_; }
  void join();

  // For ClientConnection, on the loop thread.
  uv_loop_t* loop() { return &loop_; }
  const proxy::Config& config() const { return config_; }
  proxy::ConnectPolicy& policy() { return policy_; }
  const proxy::Interception* interception() const { return interception_; }
  proxy::Hook* hook() const { return hook_; }
  flow::FlowSink& sink() { return sink_; }
  bool live_events() const { return live_events_; }
  UpstreamPool& pool() { return pool_; }
  std::uint64_t next_connection_id() { return ++connection_ids_; }
  void add(ClientConnection* connection) { connections_.insert(connection); }
  void remove(ClientConnection* connection);

 private:
  static void on_connection(uv_stream_t* server, int status);
  static void on_wake(uv_async_t* async);
  static void on_grace_expired(uv_timer_t* timer);
  void finish_if_drained();

  const proxy::Config& config_;
  proxy::ConnectPolicy& policy_;
  const proxy::Interception* interception_;
  proxy::Hook* hook_;
  flow::FlowSink& sink_;
  bool live_events_;
  std::atomic<std::uint64_t>& connection_ids_;

  uv_loop_t loop_{};
  uv_tcp_t listener_{};
  uv_async_t wake_{};
  uv_timer_t grace_{};
  bool listening_ = false;
  bool draining_ = false;
  bool finished_ = false;
  std::atomic<bool> shutdown_requested_{false};
  std::mutex tasks_mutex_;
  std::vector<std::function<void()>> tasks_;  // posted, not yet run; under tasks_mutex_
  std::shared_ptr<LoopPost> loop_post_ = std::make_shared<LoopPost>(this);
  bool accepting_tasks_ = true;               // under tasks_mutex_
  UpstreamPool pool_;
  std::unordered_set<ClientConnection*> connections_;
  std::thread thread_;
};

}  // namespace flowscope::net
