#pragma once
// Which CONNECT tunnels are intercepted: --ignore-hosts / --allow-hosts regexes,
// matched against the CONNECT host and the SNI, plus hosts whose clients refused
// our certificate (--auto-passthrough). Shared by every worker: thread-safe.
#include <memory>
#include <mutex>
#include <regex>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/proxy/connect_policy.hpp"
#include "core/result.hpp"

namespace flowscope::proxy {

class HostPolicy : public ConnectPolicy {
 public:
  static Result<std::unique_ptr<HostPolicy>> create(const std::vector<std::string>& ignore, const std::vector<std::string>& allow,
                                    bool auto_passthrough);

  TunnelMode decide(const std::string& host, const std::string& sni) const override;
  // Returns true the first time `host` is added, so the caller logs it once.
  bool remember_passthrough(const std::string& host) override;

 private:
  HostPolicy() = default;
  static bool any_match(const std::vector<std::regex>& patterns, const std::string& host, const std::string& sni);

  std::vector<std::regex> ignore_;
  std::vector<std::regex> allow_;
  bool auto_passthrough_ = true;
  mutable std::mutex mutex_;
  std::unordered_set<std::string> passthrough_;
};

}  // namespace flowscope::proxy
