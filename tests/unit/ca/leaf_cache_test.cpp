#include "ca/leaf_cache.hpp"

#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "tests/unit/ca/ca_test_support.hpp"

namespace flowscope::ca {
namespace {

using testing::verify_chain;

LeafCache make_cache(const AuthorityPtr& authority, std::size_t capacity) {
  auto minter = LeafMinter::create(authority);
  EXPECT_TRUE(minter) << minter.error().message;
  return LeafCache(std::move(*minter), capacity);
}

AuthorityPtr test_ca() {
  static const AuthorityPtr authority = *CertificateAuthority::generate();
  return authority;
}

TEST(LeafCache, AHitReturnsTheSameLeaf) {
  LeafCache cache = make_cache(test_ca(), 16);
  auto first = cache.get("example.com");
  ASSERT_TRUE(first) << first.error().message;
  auto again = cache.get("example.com");
  auto other_case = cache.get("EXAMPLE.com.");
  ASSERT_TRUE(again && other_case);
  EXPECT_EQ(first->get(), again->get());
  EXPECT_EQ(first->get(), other_case->get());

  // The name set is the key: order does not matter, the organization does.
  auto pair = cache.get(LeafRequest{{"a.example", "b.example"}, "O"});
  auto swapped = cache.get(LeafRequest{{"B.example", "a.example"}, "O"});
  auto other_org = cache.get(LeafRequest{{"a.example", "b.example"}, "P"});
  ASSERT_TRUE(pair && swapped && other_org);
  EXPECT_EQ(pair->get(), swapped->get());
  EXPECT_NE(pair->get(), other_org->get());

  const LeafCache::Stats stats = cache.stats();
  EXPECT_EQ(stats.hits, 3u);
  EXPECT_EQ(stats.misses, 3u);
  EXPECT_EQ(stats.size, 3u);
  EXPECT_EQ(stats.evictions, 0u);
  EXPECT_FALSE(cache.get("bad name"));
}

TEST(LeafCache, EvictsTheLeastRecentlyUsedAtCapacity) {
  LeafCache cache = make_cache(test_ca(), 3);
  LeafPtr a = *cache.get("a.example");
  LeafPtr b = *cache.get("b.example");
  LeafPtr c = *cache.get("c.example");
  EXPECT_EQ(cache.get("a.example")->get(), a.get());  // a is now the most recent
  LeafPtr d = *cache.get("d.example");                // evicts b, the least recent
  LeafCache::Stats stats = cache.stats();
  EXPECT_EQ(stats.size, 3u);
  EXPECT_EQ(stats.evictions, 1u);

  EXPECT_EQ(cache.get("a.example")->get(), a.get());
  EXPECT_EQ(cache.get("c.example")->get(), c.get());
  EXPECT_EQ(cache.get("d.example")->get(), d.get());
  LeafPtr b_again = *cache.get("b.example");  // a miss: minted anew, evicting a
  EXPECT_NE(b_again.get(), b.get());
  EXPECT_EQ(cache.stats().evictions, 2u);
  EXPECT_NE(cache.get("a.example")->get(), a.get());
  // An evicted leaf stays usable by whoever still holds it.
  EXPECT_EQ(verify_chain(b->cert(), *test_ca(), "b.example"), "ok");
}

TEST(LeafCache, ConcurrentGetsFromEightThreadsAgreeOnOneLeafPerName) {
  constexpr int kThreads = 8;
  constexpr int kNames = 40;
  constexpr int kRounds = 5;
  LeafCache cache = make_cache(test_ca(), 1000);
  std::vector<std::map<int, const Leaf*>> seen(kThreads);
  std::vector<std::string> failures(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        for (int i = 0; i < kNames; ++i) {
          // Each thread walks the names from a different start so misses collide.
          const int n = (i + t * 7) % kNames;
          auto leaf = cache.get("host" + std::to_string(n) + ".example");
          if (!leaf) {
            failures[t] = leaf.error().message;
            return;
          }
          auto [where, inserted] = seen[t].emplace(n, leaf->get());
          if (!inserted && where->second != leaf->get()) failures[t] = "leaf changed";
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(failures[t], "") << "thread " << t;
    EXPECT_EQ(seen[t], seen[0]) << "thread " << t;
  }
  const LeafCache::Stats stats = cache.stats();
  EXPECT_EQ(stats.size, static_cast<std::size_t>(kNames));
  EXPECT_EQ(stats.hits + stats.misses, static_cast<std::uint64_t>(kThreads * kNames * kRounds));
  for (const auto& [n, leaf] : seen[0])
    EXPECT_EQ(verify_chain(leaf->cert(), *test_ca(), "host" + std::to_string(n) + ".example"),
              "ok");
}

TEST(LeafCache, ConcurrentChurnAtASmallCapacity) {
  constexpr int kThreads = 8;
  LeafCache cache = make_cache(test_ca(), 8);
  std::atomic<int> errors = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 60; ++i) {
        const std::string name = "churn" + std::to_string((i * 5 + t) % 24) + ".example";
        auto leaf = cache.get(name);
        if (!leaf || X509_check_host((*leaf)->cert(), name.c_str(), 0, 0, nullptr) != 1) ++errors;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_LE(cache.stats().size, 8u);
  EXPECT_GT(cache.stats().evictions, 0u);
}

}  // namespace
}  // namespace flowscope::ca
