// NameMatcher: plain words anywhere in a name, anchored words as whole names, anything
// else as a regex; always ignoring case.
#include "core/redact/name_matcher.hpp"

#include <gtest/gtest.h>

namespace flowscope::redact {
namespace {

NameMatcher compiled(std::vector<std::string> patterns) {
  auto matcher = NameMatcher::compile(patterns, "--redact-field");
  EXPECT_TRUE(matcher) << matcher.error().message;
  return *matcher;
}

TEST(NameMatcher, PlainWordsAreFoundAnywhereIgnoringCase) {
  auto m = compiled({"token", "api-key"});
  EXPECT_TRUE(m.matches("token"));
  EXPECT_TRUE(m.matches("access_TOKEN"));
  EXPECT_TRUE(m.matches("X-Token-Id"));
  EXPECT_TRUE(m.matches("my-API-Key"));
  EXPECT_FALSE(m.matches("toke"));
  EXPECT_FALSE(m.matches("api_key"));
  EXPECT_FALSE(m.matches(""));
}

TEST(NameMatcher, AnchoredWordsAreWholeNames) {
  auto m = compiled({"^cookie$", "^x-api-key$"});
  EXPECT_TRUE(m.matches("Cookie"));
  EXPECT_TRUE(m.matches("X-API-KEY"));
  EXPECT_FALSE(m.matches("X-Cookie-Consent"));
  EXPECT_FALSE(m.matches("cookies"));
}

TEST(NameMatcher, OtherPatternsAreRegexes) {
  auto m = compiled({"^(ssn|iban)$", "pass(word|wd)"});
  EXPECT_TRUE(m.matches("SSN"));
  EXPECT_TRUE(m.matches("iban"));
  EXPECT_FALSE(m.matches("ssn_hint"));
  EXPECT_TRUE(m.matches("user_passwd"));
  EXPECT_FALSE(m.matches("passport"));
}

TEST(NameMatcher, LongNamesAreMatchedToo) {
  auto m = compiled({"secret", "^tail$"});
  EXPECT_TRUE(m.matches(std::string(300, 'x') + "SECRET"));
  EXPECT_FALSE(m.matches(std::string(300, 'x') + "tail"));
}

TEST(NameMatcher, EmptyAndBadPatternsAreErrors) {
  auto empty = NameMatcher::compile({""}, "--redact-header");
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("--redact-header \"\": an empty pattern"), std::string::npos);
  auto bad = NameMatcher::compile({"a("}, "--redact-param");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("--redact-param \"a(\": invalid regex"), std::string::npos)
      << bad.error().message;
  EXPECT_TRUE(compiled({}).empty());
}

}  // namespace
}  // namespace flowscope::redact
