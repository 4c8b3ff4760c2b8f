#include "ca/leaf_request.hpp"

#include <gtest/gtest.h>

namespace flowscope::ca {
namespace {

std::vector<std::string> texts(const LeafNames& names) {
  std::vector<std::string> out;
  for (const auto& name : names.names) out.push_back(name.text);
  return out;
}

TEST(LeafRequest, CanonicalizesDnsNamesAndIps) {
  auto names = canonicalize({{"WWW.Example.COM.", "example.com", "www.example.com",
                              "[2001:DB8:0:0::1]", "010.1.2.3", "10.1.2.3", "2001:db8::1"},
                             "Example Inc."});
  // "010.1.2.3" is not an IPv4 literal for inet_pton, so it stays a (numeric) DNS name.
  ASSERT_TRUE(names) << names.error().message;
  EXPECT_EQ(texts(*names), (std::vector<std::string>{"www.example.com", "example.com",
                                                     "2001:db8::1", "010.1.2.3", "10.1.2.3"}));
  EXPECT_EQ(names->primary().text, "www.example.com");
  EXPECT_EQ(names->names[2].kind, SubjectAltName::Kind::kIp);
  EXPECT_EQ(names->names[2].bytes.size(), 16u);
  EXPECT_EQ(names->names[4].kind, SubjectAltName::Kind::kIp);
  EXPECT_EQ(names->names[4].bytes, std::string("\x0a\x01\x02\x03", 4));
  EXPECT_EQ(names->organization, "Example Inc.");
}

TEST(LeafRequest, CacheKeyIgnoresOrderAndCaseButNotOrganization) {
  auto a = canonicalize({{"b.example", "A.example"}, ""});
  auto b = canonicalize({{"a.example", "b.example."}, ""});
  auto c = canonicalize({{"a.example", "b.example"}, "Other"});
  auto d = canonicalize({{"a.example"}, ""});
  ASSERT_TRUE(a && b && c && d);
  EXPECT_EQ(a->cache_key, b->cache_key);
  EXPECT_NE(a->cache_key, c->cache_key);
  EXPECT_NE(a->cache_key, d->cache_key);
  EXPECT_EQ(a->primary().text, "b.example");
}

TEST(LeafRequest, RejectsNamesThatCannotGoInASan) {
  for (const char* bad : {"", ".", "bad name", "a..b", "*", "exa*mple.com", "a.*.com", "ex/ample",
                          "caf\xc3\xa9.example", "[::1"}) {
    EXPECT_FALSE(canonicalize({{bad}, ""})) << bad;
  }
  EXPECT_FALSE(canonicalize({{std::string(64, 'a') + ".com"}, ""}));
  EXPECT_FALSE(canonicalize({{}, ""}));
  EXPECT_FALSE(canonicalize({{"ok.example"}, std::string(65, 'o')}));
  EXPECT_TRUE(canonicalize({{"*.example.com"}, ""}));
  EXPECT_TRUE(canonicalize({{"_dmarc.example.com"}, ""}));
  EXPECT_TRUE(canonicalize({{"localhost"}, ""}));
}

}  // namespace
}  // namespace flowscope::ca
