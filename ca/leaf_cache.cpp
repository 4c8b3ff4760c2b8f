#include "ca/leaf_cache.hpp"

#include <algorithm>

namespace flowscope::ca {

LeafCache::LeafCache(LeafMinter minter, std::size_t capacity)
    : minter_(std::move(minter)), capacity_(std::max<std::size_t>(capacity, 1)) {
  index_.reserve(std::min(capacity_, kDefaultCapacity));
}

Result<LeafPtr> LeafCache::get(std::string_view name) {
  return get(LeafRequest{{std::string(name)}, {}});
}

Result<LeafPtr> LeafCache::get(const LeafRequest& request) {
  auto names = canonicalize(request);
  if (!names) return std::unexpected(names.error());
  {
    std::lock_guard lock(mutex_);
    if (LeafPtr leaf = find_locked(names->cache_key)) {
      ++stats_.hits;
      return leaf;
    }
    ++stats_.misses;
  }
  auto leaf = minter_.mint(*names);
  if (!leaf) return std::unexpected(leaf.error());
  return insert(std::move(*leaf));
}

LeafPtr LeafCache::find_locked(std::string_view key) {
  auto found = index_.find(key);
  if (found == index_.end()) return nullptr;
  recency_.splice(recency_.begin(), recency_, found->second);
  return *found->second;
}

LeafPtr LeafCache::insert(LeafPtr leaf) {
  std::lock_guard lock(mutex_);
  if (LeafPtr existing = find_locked(leaf->cache_key())) return existing;
  recency_.push_front(std::move(leaf));
  index_.emplace(recency_.front()->cache_key(), recency_.begin());
  while (recency_.size() > capacity_) {
    index_.erase(recency_.back()->cache_key());
    recency_.pop_back();
    ++stats_.evictions;
  }
  return recency_.front();
}

LeafCache::Stats LeafCache::stats() const {
  std::lock_guard lock(mutex_);
  Stats out = stats_;
  out.size = recency_.size();
  return out;
}

}  // namespace flowscope::ca
