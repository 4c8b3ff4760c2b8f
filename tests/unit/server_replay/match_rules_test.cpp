// The --match rules: what each adds, and the errors for the ones that are not rules.
#include "core/server_replay/match_rules.hpp"

#include <gtest/gtest.h>

namespace flowscope::server_replay {
namespace {

TEST(MatchRules, TheDefaultComparesBodiesAndNoHeaders) {
  MatchRules rules;
  EXPECT_FALSE(rules.ignore_body);
  EXPECT_TRUE(rules.ignored_params.empty());
  EXPECT_TRUE(rules.headers.empty());
}

TEST(MatchRules, EachRuleAddsWhatItNames) {
  MatchRules rules;
  ASSERT_TRUE(add_match_rule(rules, "ignore-body"));
  ASSERT_TRUE(add_match_rule(rules, "ignore-param=ts"));
  ASSERT_TRUE(add_match_rule(rules, "ignore-param=nonce"));
  ASSERT_TRUE(add_match_rule(rules, "header=Accept"));
  ASSERT_TRUE(add_match_rule(rules, "header=accept"));  // once, whatever the case
  EXPECT_TRUE(rules.ignore_body);
  EXPECT_EQ(rules.ignored_params, (std::set<std::string>{"nonce", "ts"}));
  EXPECT_EQ(rules.headers, std::vector<std::string>{"accept"});
}

TEST(MatchRules, ParamNamesKeepTheirCase) {
  MatchRules rules;
  ASSERT_TRUE(add_match_rule(rules, "ignore-param=Token"));
  EXPECT_TRUE(rules.ignored_params.contains("Token"));
  EXPECT_FALSE(rules.ignored_params.contains("token"));
}

TEST(MatchRules, UnknownRulesListTheKnownOnes) {
  MatchRules rules;
  auto bad = add_match_rule(rules, "ignore-headers");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message,
            "unknown --match rule \"ignore-headers\": expected ignore-body, ignore-param=NAME or header=NAME");
}

TEST(MatchRules, ARuleWithoutItsNameSaysHowToGiveOne) {
  MatchRules rules;
  auto bad = add_match_rule(rules, "ignore-param");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "--match ignore-param needs a name: --match ignore-param=NAME");
  bad = add_match_rule(rules, "header=");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "--match header= needs a name: --match header=NAME");
}

}  // namespace
}  // namespace flowscope::server_replay
