#pragma once
// Starting a ProxyServer for a test: port 0 on loopback, one worker by default,
// and a MemorySink whose waits have a hang guard.
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/flow/sink.hpp"
#include "core/net/proxy_server.hpp"
#include "core/proxy/config.hpp"
#include "core/result.hpp"

namespace flowscope::testsupport {

// A MemorySink that also counts flush() calls and can wait with a hang guard.
class RecordingSink : public flow::MemorySink {
 public:
  void on_flow(const flow::Flow& flow) override;
  void flush() override;
  // At least `count` flows, or what has arrived when the hang guard fires.
  std::vector<flow::Flow> wait_for_flows(std::size_t count, int timeout_ms = 30'000) const;
  int flush_count() const;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::size_t count_ = 0;
  int flushes_ = 0;
};

// 127.0.0.1:0, one worker thread, everything else at its default.
proxy::Config test_config();

struct RunningProxy {
  std::shared_ptr<RecordingSink> sink;
  std::unique_ptr<net::ProxyServer> server;
  std::uint16_t port() const { return server->port(); }
};

Result<RunningProxy> start_proxy(proxy::Config config);

// "Basic base64(user:pass)"
std::string basic_credentials(const std::string& user_colon_pass);

// A TCP port on 127.0.0.1 that refuses connections for as long as this object
// lives: the socket is bound (so nobody else gets the port) but never listens.
class RefusingPort {
 public:
  RefusingPort();
  ~RefusingPort();
  RefusingPort(const RefusingPort&) = delete;
  RefusingPort& operator=(const RefusingPort&) = delete;
  std::uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

// A listener whose accept queue is full, so the kernel drops further SYNs and a
// connect to it neither succeeds nor fails until its own timeout: the loopback way
// to produce a connect timeout. ready() is false when the kernel does not behave
// that way (the test should then skip).
class BlackholePort {
 public:
  BlackholePort();
  ~BlackholePort();
  BlackholePort(const BlackholePort&) = delete;
  BlackholePort& operator=(const BlackholePort&) = delete;
  std::uint16_t port() const { return port_; }
  bool ready() const { return ready_; }
  const std::string& why_not() const { return why_not_; }

 private:
  int listen_fd_ = -1;
  std::vector<int> fillers_;
  std::uint16_t port_ = 0;
  bool ready_ = false;
  std::string why_not_;
};

}  // namespace flowscope::testsupport
