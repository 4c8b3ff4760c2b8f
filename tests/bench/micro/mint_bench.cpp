// Leaf minting cost: a cache miss (a new name every iteration) under an EC and an RSA CA, and
// a cache hit. The target is ≤ 100 µs per new leaf under the EC CA; `openssl speed ecdsap256`
// puts one P-256 signature at about 21 µs on the reference machine.
#include <benchmark/benchmark.h>

#include <string>

#include "ca/authority.hpp"
#include "ca/leaf_cache.hpp"
#include "ca/leaf_minter.hpp"

namespace flowscope::ca {
namespace {

const AuthorityPtr& authority(KeyType type) {
  static const AuthorityPtr ec = *CertificateAuthority::generate(KeyType::kEcP256);
  static const AuthorityPtr rsa = *CertificateAuthority::generate(KeyType::kRsa2048);
  return type == KeyType::kRsa2048 ? rsa : ec;
}

// Minter only: canonicalize, build, sign. No cache.
void BM_MintNewLeaf(benchmark::State& state, KeyType ca_type) {
  auto minter = LeafMinter::create(authority(ca_type));
  std::uint64_t counter = 0;
  for (auto _ : state) {
    auto leaf =
        minter->mint(LeafRequest{{"host" + std::to_string(counter++) + ".example.com"}, {}});
    if (!leaf) state.SkipWithError(leaf.error().message.c_str());
    benchmark::DoNotOptimize(leaf);
  }
}
BENCHMARK_CAPTURE(BM_MintNewLeaf, ec_ca, KeyType::kEcP256)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_MintNewLeaf, rsa_ca, KeyType::kRsa2048)->Unit(benchmark::kMicrosecond);

// A miss through the cache, with upstream-like extra SANs (a typical CDN certificate).
void BM_CacheMissWithUpstreamSans(benchmark::State& state) {
  LeafCache cache(*LeafMinter::create(authority(KeyType::kEcP256)));
  std::uint64_t counter = 0;
  for (auto _ : state) {
    const std::string id = std::to_string(counter++);
    LeafRequest request{{"www" + id + ".example.com", "example.com", "*.example.com",
                         "static" + id + ".example.net", "192.0.2.1", "2001:db8::1"},
                        "Example Inc."};
    auto leaf = cache.get(request);
    if (!leaf) state.SkipWithError(leaf.error().message.c_str());
    benchmark::DoNotOptimize(leaf);
  }
}
BENCHMARK(BM_CacheMissWithUpstreamSans)->Unit(benchmark::kMicrosecond);

void BM_CacheHit(benchmark::State& state) {
  LeafCache cache(*LeafMinter::create(authority(KeyType::kEcP256)));
  for (int i = 0; i < 1000; ++i) (void)cache.get("host" + std::to_string(i) + ".example.com");
  const std::string name = "host500.example.com";
  for (auto _ : state) {
    auto leaf = cache.get(name);
    benchmark::DoNotOptimize(leaf);
  }
}
BENCHMARK(BM_CacheHit);
BENCHMARK(BM_CacheHit)->Threads(2);

}  // namespace
}  // namespace flowscope::ca
