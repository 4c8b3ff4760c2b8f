#pragma once
// Which CONNECT tunnels are intercepted: --ignore-hosts / --allow-hosts regexes,
// matched against the CONNECT host and the SNI, plus (client, host) pairs whose
// client refused our certificate with an explicit alert (--auto-passthrough).
// Learned passthrough expires, so a user who installs the CA afterwards is
// intercepted again without restarting. Shared by every worker: thread-safe.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "core/proxy/connect_policy.hpp"
#include "core/result.hpp"

namespace flowscope::proxy {

struct HostPolicyOptions {
  std::vector<std::string> ignore;
  std::vector<std::string> allow;
  bool auto_passthrough = true;
  std::uint64_t passthrough_ttl_ms = 10 * 60 * 1000;
  // Monotonic milliseconds; tests pass a fake clock.
  std::function<std::int64_t()> now_ms;
  // Where "passthrough expired" lines go; none when empty.
  std::function<void(const std::string&)> log;
};

struct PassthroughEntry {
  std::string client;
  std::string host;
  std::int64_t expires_ms = 0;  // on the policy's clock
};

class HostPolicy : public ConnectPolicy {
 public:
  static Result<std::unique_ptr<HostPolicy>> create(HostPolicyOptions options);

  TunnelMode decide(const TunnelQuery& query) const override;
  bool remember_passthrough(const std::string& client, const std::string& host) override;

  // For a UI: what is tunnelled blind because a client refused us, and a way to undo it.
  std::vector<PassthroughEntry> passthrough() const;
  void forget_passthrough(const std::string& client, const std::string& host);

 private:
  explicit HostPolicy(HostPolicyOptions options) : options_(std::move(options)) {}
  static bool any_match(const std::vector<std::regex>& patterns, const std::string& host, const std::string& sni);
  // True while (client, name) is learned and not expired; drops it once expired.
  bool passthrough_active(const std::string& client, const std::string& name) const;

  HostPolicyOptions options_;
  std::vector<std::regex> ignore_;
  std::vector<std::regex> allow_;
  mutable std::mutex mutex_;
  mutable std::map<std::pair<std::string, std::string>, std::int64_t> passthrough_;  // (client, host) → expiry
};

}  // namespace flowscope::proxy
