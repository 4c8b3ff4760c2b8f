#include "core/net/upstream_pool.hpp"

#include <algorithm>
#include <cctype>

namespace flowscope::net {

std::string UpstreamPool::key(const std::string& host, std::uint16_t port) {
  std::string k = host;
  std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  k.push_back(':');
  k.append(std::to_string(port));
  return k;
}

Upstream* UpstreamPool::take(const std::string& host, std::uint16_t port) {
  auto it = idle_.find(key(host, port));
  if (it == idle_.end() || it->second.empty()) return nullptr;
  // Most recently used first: it is the least likely to have been closed by the origin.
  Upstream* u = it->second.back();
  it->second.pop_back();
  --count_;
  u->set_listener(nullptr);
  return u;
}

void UpstreamPool::put(Upstream* upstream) {
  auto& list = idle_[key(upstream->host(), upstream->port())];
  if (list.size() >= kMaxIdlePerHost || count_ >= kMaxIdle) {
    upstream->close();
    return;
  }
  list.push_back(upstream);
  ++count_;
  upstream->set_listener(this);
  upstream->set_reading(true);
}

void UpstreamPool::drop(Upstream& upstream) {
  auto it = idle_.find(key(upstream.host(), upstream.port()));
  if (it != idle_.end()) {
    auto& list = it->second;
    auto pos = std::find(list.begin(), list.end(), &upstream);
    if (pos != list.end()) {
      list.erase(pos);
      --count_;
    }
  }
  upstream.close();
}

void UpstreamPool::close_all() {
  for (auto& [k, list] : idle_)
    for (Upstream* u : list) u->close();
  idle_.clear();
  count_ = 0;
}

}  // namespace flowscope::net
