#pragma once
// Bounded LRU cache of minted leaves, keyed by the canonical name set, shared by all workers.
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ca/leaf.hpp"
#include "ca/leaf_minter.hpp"
#include "ca/leaf_request.hpp"
#include "core/result.hpp"

namespace flowscope::ca {

// Thread-safe. The lock covers only the lookup and the list splice; minting happens outside it,
// so a miss does not stall other threads' hits. Two threads missing on the same names at once
// may both mint; the first to insert wins and both get its leaf, so every caller sees one
// object per key while it is cached. Evicted leaves live on while a connection holds them.
class LeafCache {
 public:
  static constexpr std::size_t kDefaultCapacity = 10'000;

  struct Stats {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
    std::uint64_t evictions = 0;
    std::size_t size = 0;
  };

  explicit LeafCache(LeafMinter minter, std::size_t capacity = kDefaultCapacity);

  Result<LeafPtr> get(const LeafRequest& request);
  // A leaf for a single name (the SNI, or the CONNECT host).
  Result<LeafPtr> get(std::string_view name);

  Stats stats() const;
  std::size_t capacity() const { return capacity_; }
  const LeafMinter& minter() const { return minter_; }

 private:
  LeafPtr find_locked(std::string_view key);  // marks it most recently used
  LeafPtr insert(LeafPtr leaf);               // returns the cached leaf for its key

  const LeafMinter minter_;
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::list<LeafPtr> recency_;  // most recently used first
  // Keys are views of the leaves' own cache_key strings, which live as long as the entry.
  std::unordered_map<std::string_view, std::list<LeafPtr>::iterator> index_;
  Stats stats_;
};

}  // namespace flowscope::ca
