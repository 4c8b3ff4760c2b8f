#include "core/proxy/host_policy.hpp"

namespace flowscope::proxy {

Result<std::unique_ptr<HostPolicy>> HostPolicy::create(const std::vector<std::string>& ignore,
                                                       const std::vector<std::string>& allow, bool auto_passthrough) {
  std::unique_ptr<HostPolicy> policy(new HostPolicy());
  policy->auto_passthrough_ = auto_passthrough;
  auto compile = [&](const std::vector<std::string>& sources, std::vector<std::regex>& out,
                     const char* flag) -> Result<void> {
    for (const auto& source : sources) {
      try {
        out.emplace_back(source, std::regex::ECMAScript | std::regex::icase | std::regex::optimize);
      } catch (const std::regex_error& e) {
        return fail(std::string(flag) + " '" + source + "' is not a valid regular expression: " + e.what());
      }
    }
    return {};
  };
  if (auto r = compile(ignore, policy->ignore_, "--ignore-hosts"); !r) return std::unexpected(r.error());
  if (auto r = compile(allow, policy->allow_, "--allow-hosts"); !r) return std::unexpected(r.error());
  return policy;
}

bool HostPolicy::any_match(const std::vector<std::regex>& patterns, const std::string& host, const std::string& sni) {
  for (const auto& re : patterns) {
    if (std::regex_search(host, re)) return true;
    if (!sni.empty() && std::regex_search(sni, re)) return true;
  }
  return false;
}

TunnelMode HostPolicy::decide(const std::string& host, const std::string& sni) const {
  if (any_match(ignore_, host, sni)) return TunnelMode::kBlind;
  if (!allow_.empty() && !any_match(allow_, host, sni)) return TunnelMode::kBlind;
  std::lock_guard lock(mutex_);
  if (passthrough_.contains(host) || (!sni.empty() && passthrough_.contains(sni))) return TunnelMode::kBlind;
  return TunnelMode::kIntercept;
}

bool HostPolicy::remember_passthrough(const std::string& host) {
  if (!auto_passthrough_) return false;
  std::lock_guard lock(mutex_);
  return passthrough_.insert(host).second;
}

}  // namespace flowscope::proxy
