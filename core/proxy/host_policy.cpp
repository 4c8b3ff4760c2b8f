#include "core/proxy/host_policy.hpp"

#include <chrono>

namespace flowscope::proxy {

Result<std::unique_ptr<HostPolicy>> HostPolicy::create(HostPolicyOptions options) {
  if (!options.now_ms) {
    options.now_ms = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count();
    };
  }
  std::unique_ptr<HostPolicy> policy(new HostPolicy(std::move(options)));
  auto compile = [](const std::vector<std::string>& sources, std::vector<std::regex>& out,
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
  if (auto r = compile(policy->options_.ignore, policy->ignore_, "--ignore-hosts"); !r) {
    return std::unexpected(r.error());
  }
  if (auto r = compile(policy->options_.allow, policy->allow_, "--allow-hosts"); !r) return std::unexpected(r.error());
  return policy;
}

bool HostPolicy::any_match(const std::vector<std::regex>& patterns, const std::string& host, const std::string& sni) {
  for (const auto& re : patterns) {
    if (std::regex_search(host, re)) return true;
    if (!sni.empty() && std::regex_search(sni, re)) return true;
  }
  return false;
}

TunnelMode HostPolicy::decide(const TunnelQuery& query) const {
  if (any_match(ignore_, query.host, query.sni)) return TunnelMode::kBlind;
  if (!allow_.empty() && !any_match(allow_, query.host, query.sni)) return TunnelMode::kBlind;
  if (passthrough_active(query.client, query.host)) return TunnelMode::kBlind;
  if (!query.sni.empty() && passthrough_active(query.client, query.sni)) return TunnelMode::kBlind;
  return TunnelMode::kIntercept;
}

bool HostPolicy::passthrough_active(const std::string& client, const std::string& name) const {
  std::string expired;
  {
    std::lock_guard lock(mutex_);
    auto it = passthrough_.find({client, name});
    if (it == passthrough_.end()) return false;
    if (options_.now_ms() < it->second) return true;
    passthrough_.erase(it);
  }
  if (options_.log) {
    options_.log("passthrough of " + name + " for " + client + " expired: intercepting it again");
  }
  return false;
}

bool HostPolicy::remember_passthrough(const std::string& client, const std::string& host) {
  if (!options_.auto_passthrough) return false;
  const std::int64_t expires = options_.now_ms() + static_cast<std::int64_t>(options_.passthrough_ttl_ms);
  bool inserted = false;
  {
    std::lock_guard lock(mutex_);
    inserted = passthrough_.insert_or_assign({client, host}, expires).second;
  }
  if (inserted && options_.log) {
    options_.log("passthrough of " + host + " for " + client + " for the next " +
                 std::to_string(options_.passthrough_ttl_ms / 1000) +
                 " s: that client does not trust the flowscope CA");
  }
  return inserted;
}

std::vector<PassthroughEntry> HostPolicy::passthrough() const {
  const std::int64_t now = options_.now_ms();
  std::lock_guard lock(mutex_);
  std::vector<PassthroughEntry> out;
  for (const auto& [key, expires] : passthrough_) {
    if (now < expires) out.push_back({key.first, key.second, expires});
  }
  return out;
}

void HostPolicy::forget_passthrough(const std::string& client, const std::string& host) {
  std::lock_guard lock(mutex_);
  passthrough_.erase({client, host});
}

}  // namespace flowscope::proxy
