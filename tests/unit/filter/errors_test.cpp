// Parse errors: what they say, and where the caret points.
#include <gtest/gtest.h>

#include "tests/unit/filter/filter_test_flows.hpp"

namespace flowscope::filter {
namespace {

using testing::error_of;

TEST(FilterErrors, MissingArgumentPointsAtWhatCameInstead) {
  EXPECT_EQ(error_of("~c & ~d x"), "expected an argument after ~c\n  ~c & ~d x\n     ^");
  EXPECT_EQ(error_of("~d"), "expected an argument after ~d\n  ~d\n    ^");
  EXPECT_EQ(error_of("~m GET & ~u"), "expected an argument after ~u\n  ~m GET & ~u\n             ^");
  EXPECT_EQ(error_of("~u )"), "expected an argument after ~u\n  ~u )\n     ^");
  EXPECT_EQ(error_of("~u ~d x"), "expected an argument after ~u\n  ~u ~d x\n     ^");
}

TEST(FilterErrors, UnknownTermSuggestsTheNearestOne) {
  EXPECT_EQ(error_of("~x foo"),
            "unknown filter term ~x: did you mean one of ~d ~u ~m ~c ~h ~b ~t ~e ~q ~s?\n  ~x foo\n  ^");
  EXPECT_NE(error_of("~websockt").find("did you mean ~websocket?"), std::string::npos);
  EXPECT_NE(error_of("~tunel").find("did you mean ~tunnel?"), std::string::npos);
  EXPECT_NE(error_of("~hz x").find("did you mean ~h"), std::string::npos);
  EXPECT_NE(error_of("~D example.com").find("did you mean ~d?"), std::string::npos);
  EXPECT_NE(error_of("~duration >1s").find("did you mean ~dur?"), std::string::npos);
  auto far = error_of("~zzzzzzzz");
  EXPECT_EQ(far.find("did you mean"), std::string::npos) << far;
  EXPECT_NE(far.find("docs/filters.md"), std::string::npos) << far;
  EXPECT_EQ(error_of("~c 200 & ~nope").substr(error_of("~c 200 & ~nope").rfind('\n')), "\n           ^");
}

TEST(FilterErrors, OperatorsWithoutOperands) {
  EXPECT_EQ(error_of("~m GET &"),
            "expected a filter term after &, such as ~u api or ~c 404\n  ~m GET &\n          ^");
  EXPECT_EQ(error_of("| ~m GET"),
            "expected a filter term before |, such as ~u api or ~c 404\n  | ~m GET\n  ^");
  EXPECT_EQ(error_of("!"), "expected a filter term after !, such as ~u api or ~c 404\n  !\n   ^");
  EXPECT_EQ(error_of("~e | | ~q"),
            "expected a filter term after |, such as ~u api or ~c 404\n  ~e | | ~q\n       ^");
}

TEST(FilterErrors, Parentheses) {
  EXPECT_EQ(error_of("(~m GET | ~e"), "unclosed (: add a ) to close it\n  (~m GET | ~e\n  ^");
  EXPECT_EQ(error_of("~m GET)"), "unmatched ): remove it or add a ( before it\n  ~m GET)\n        ^");
  EXPECT_EQ(error_of("()"), "expected a filter term inside ( ), such as ~u api or ~c 404\n  ()\n   ^");
}

TEST(FilterErrors, QuotesAndTildes) {
  EXPECT_EQ(error_of("~h 'open"), "unterminated quote: add a closing '\n  ~h 'open\n     ^");
  EXPECT_EQ(error_of("~u \"a\\\""), "unterminated quote: add a closing \"\n  ~u \"a\\\"\n     ^");
  EXPECT_EQ(error_of("~ x"), "expected a term name after ~, such as ~u or ~d\n  ~ x\n  ^");
}

TEST(FilterErrors, EmptyExpression) {
  EXPECT_EQ(error_of(""), "the filter is empty\n  \n  ^");
  EXPECT_EQ(error_of("   "), "the filter is empty\n     \n  ^");
}

TEST(FilterErrors, BadArgumentsPointAtTheArgument) {
  EXPECT_EQ(error_of("~c abc"),
            "~c: expected a status code such as 404, or a class such as 4xx\n  ~c abc\n     ^");
  EXPECT_EQ(error_of("~c 6xx").rfind("~c: expected a status code", 0), 0u);
  EXPECT_EQ(error_of("~c 20").rfind("~c: expected a status code", 0), 0u);
  EXPECT_EQ(error_of("~c 404x").rfind("~c: expected a status code", 0), 0u);
  EXPECT_EQ(error_of("~u 'a(b'").rfind("~u: invalid regex", 0), 0u) << error_of("~u 'a(b'");
  EXPECT_NE(error_of("~u 'a(b'").find("\n     ^"), std::string::npos);
  EXPECT_EQ(error_of("~dur fast"),
            "~dur: expected a comparison such as >500ms (units: us, ms, s)\n  ~dur fast\n       ^");
  EXPECT_EQ(error_of("~size >1tb").rfind("~size: unknown unit \"tb\" (units: b, kb, mb, gb)", 0), 0u);
  EXPECT_EQ(error_of("~ip example.com").rfind("~ip: expected an IP address", 0), 0u);
}

TEST(FilterErrors, CaretCountsCharactersNotBytes) {
  // "é" is two bytes of UTF-8 but one column on a terminal.
  EXPECT_EQ(error_of("café & ~c"), "expected an argument after ~c\n  café & ~c\n           ^");
}

// The GUI draws its own caret, so it needs the bare message and the byte column.
TEST(FilterErrors, CompileWithPositionKeepsTheColumnApart) {
  auto missing = Filter::compile_with_position("~m GET & ~u");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "expected an argument after ~u");
  EXPECT_EQ(missing.error().column, 11u);
  auto unknown = Filter::compile_with_position("caf\xc3\xa9 & ~nope");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().column, 8u);  // bytes, not characters
  auto good = Filter::compile_with_position("~c 200");
  ASSERT_TRUE(good);
  EXPECT_EQ(good->expression(), "~c 200");
}

}  // namespace
}  // namespace flowscope::filter
