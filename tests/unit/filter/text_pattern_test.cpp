// The literal fast paths must agree with what the regex would have said.
#include "core/filter/text_pattern.hpp"

#include <gtest/gtest.h>

namespace flowscope::filter {
namespace {

bool search(std::string_view pattern, std::string_view text) {
  auto compiled = TextPattern::compile(pattern);
  EXPECT_TRUE(compiled) << pattern;
  return compiled && compiled->search(text);
}

bool is_literal(std::string_view pattern) {
  auto compiled = TextPattern::compile(pattern);
  return compiled && compiled->is_literal();
}

TEST(FilterTextPattern, PlainWordsAndAnchorsTakeTheLiteralPath) {
  EXPECT_TRUE(is_literal("login"));
  EXPECT_TRUE(is_literal("^https://"));
  EXPECT_TRUE(is_literal(".json$") == false) << "an unescaped dot is any character";
  EXPECT_TRUE(is_literal("\\.json$"));
  EXPECT_TRUE(is_literal("a\\(b\\)"));
  EXPECT_FALSE(is_literal("\\d+"));
  EXPECT_FALSE(is_literal("a|b"));
  EXPECT_FALSE(is_literal("a$b"));
  EXPECT_FALSE(is_literal("trailing\\"));
}

TEST(FilterTextPattern, LiteralsMatchLikeTheRegexWould) {
  for (auto [pattern, text] : std::initializer_list<std::pair<std::string_view, std::string_view>>{
           {"login", "/api/LOGIN/x"}, {"^https://", "HTTPS://x"}, {"\\.json$", "/a.JSON"},
           {"^exact$", "Exact"}, {"", "anything"}, {"a\\(b\\)", "xa(b)y"}}) {
    EXPECT_TRUE(search(pattern, text)) << pattern << " in " << text;
    std::regex regex(pattern.begin(), pattern.end(), std::regex::ECMAScript | std::regex::icase);
    EXPECT_TRUE(std::regex_search(text.begin(), text.end(), regex)) << pattern;
  }
  EXPECT_FALSE(search("^https://", "http://x/https://"));
  EXPECT_FALSE(search("\\.json$", "/a.json?x"));
  EXPECT_FALSE(search("^exact$", "exactly"));
  EXPECT_FALSE(search("abc", "ab"));
  EXPECT_TRUE(search("aab", "aaab")) << "a failed partial match restarts one character on";
}

TEST(FilterTextPattern, AnchoredLiteralsAreMultilineLikeTheRegex) {
  EXPECT_TRUE(search("^second", "first\nsecond"));
  EXPECT_TRUE(search("first$", "first\r\nsecond"));
  EXPECT_TRUE(search("^whole$", "a\nWHOLE\nb"));
  EXPECT_FALSE(search("^cond", "first\nsecond"));
  EXPECT_FALSE(search("^whole$", "a\nwholes\nb"));
}

TEST(FilterTextPattern, RegexesAreCaseInsensitive) {
  EXPECT_TRUE(search("user/\\d+", "/USER/42"));
  EXPECT_TRUE(search("(foo|bar)baz", "BARBAZ"));
  EXPECT_FALSE(search("user/\\d+", "/user/x"));
}

TEST(FilterTextPattern, TheRequiredLiteralNeverRejectsARegexMatch) {
  for (auto [pattern, text] : std::initializer_list<std::pair<std::string_view, std::string_view>>{
           {"x-request-id: [0-9a-f]{8}-", "X-Request-Id: 0f8fad5b-"}, {"ab?c", "ac"}, {"ab*cd", "acd"},
           {"ab+cd", "abbbcd"}, {"abc{0}de", "abde"}, {"(xyz)?abc", "ABC"}, {"foo|bar", "bar"},
           {"v\\d+/items\\?page", "V2/items?PAGE"}, {"[a-z]+\\.json", "x.json"}, {"a\\(b\\)c.", "a(b)cd"},
           {"x{10}y", "xxxxxxxxxxy"}, {"(ab){2}cd", "ababcd"}}) {
    EXPECT_TRUE(search(pattern, text)) << pattern << " in " << text;
  }
  EXPECT_FALSE(search("x-request-id: [0-9a-f]{8}-", "X-Other: 0f8fad5b-"));
}

TEST(FilterTextPattern, LettersOfEitherCaseAreFoundWhereverTheyStart) {
  EXPECT_TRUE(contains_folded("xxAbCxx", "abc"));
  EXPECT_TRUE(contains_folded("abcABd", "abd"));
  EXPECT_TRUE(contains_folded("aBd", "abd"));
  EXPECT_TRUE(contains_folded("--42", "42"));
  EXPECT_FALSE(contains_folded("abAB", "abc"));
  EXPECT_FALSE(contains_folded("", "a"));
  EXPECT_TRUE(contains_folded("A", "a"));
}

TEST(FilterTextPattern, InvalidRegexIsAnError) {
  auto compiled = TextPattern::compile("a(b");
  ASSERT_FALSE(compiled);
  EXPECT_EQ(compiled.error().message.rfind("invalid regex: ", 0), 0u);
}

}  // namespace
}  // namespace flowscope::filter
