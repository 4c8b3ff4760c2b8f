#pragma once
// Idle keep-alive connections of one loop, keyed by host:port. An idle connection
// that the origin closes, or that sends anything unasked, is dropped.
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/net/upstream.hpp"

namespace flowscope::net {

class UpstreamPool : public UpstreamListener {
 public:
  // Enough for a loop's share of 100+ concurrent clients of one origin (benchmarks
  // showed 32 forcing new origin connections at 100 clients).
  static constexpr std::size_t kMaxIdlePerHost = 256;
  static constexpr std::size_t kMaxIdle = 1024;

  ~UpstreamPool() override { close_all(); }

  // An idle connection to host:port, or nullptr. The caller becomes its owner.
  Upstream* take(const std::string& host, std::uint16_t port);
  // Takes ownership of a connection whose exchange ended cleanly.
  void put(Upstream* upstream);
  void close_all();
  std::size_t idle_count() const { return count_; }

  void on_upstream_connected(Upstream&, const proxy::UpstreamInfo&) override {}
  void on_upstream_failed(Upstream& u, const proxy::UpstreamFailure&) override { drop(u); }
  void on_upstream_data(Upstream& u, std::string_view) override { drop(u); }
  void on_upstream_eof(Upstream& u) override { drop(u); }
  void on_upstream_error(Upstream& u, std::string_view) override { drop(u); }
  void on_upstream_drained(Upstream&) override {}

 private:
  static std::string key(const std::string& host, std::uint16_t port);
  void drop(Upstream& upstream);

  std::unordered_map<std::string, std::vector<Upstream*>> idle_;
  std::size_t count_ = 0;
};

}  // namespace flowscope::net
