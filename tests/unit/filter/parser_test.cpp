// Operators, precedence, parentheses, quoting and bare words.
#include <gtest/gtest.h>

#include "tests/unit/filter/filter_test_flows.hpp"

namespace flowscope::filter {
namespace {

using testing::api_flow;
using testing::matches;

TEST(FilterParse, BareWordIsUrlSubstring) {
  auto flow = api_flow();
  EXPECT_TRUE(matches("items", flow));
  EXPECT_TRUE(matches("ITEMS", flow)) << "case-insensitive";
  EXPECT_FALSE(matches("orders", flow));
  EXPECT_TRUE(matches("\"page=2\"", flow)) << "a quoted bare word is ~u too";
}

TEST(FilterParse, NotAndOr) {
  auto flow = api_flow();
  EXPECT_TRUE(matches("!~c 404", flow));
  EXPECT_FALSE(matches("!~c 200", flow));
  EXPECT_TRUE(matches("!!~c 200", flow));
  EXPECT_TRUE(matches("~m GET & ~c 200", flow));
  EXPECT_FALSE(matches("~m GET & ~c 404", flow));
  EXPECT_TRUE(matches("~m POST | ~c 200", flow));
  EXPECT_FALSE(matches("~m POST | ~c 404", flow));
}

TEST(FilterParse, JuxtapositionMeansAnd) {
  auto flow = api_flow();
  EXPECT_TRUE(matches("~m GET ~c 200", flow));
  EXPECT_FALSE(matches("~m GET ~c 404", flow));
  EXPECT_TRUE(matches("api items", flow));
  EXPECT_FALSE(matches("api orders", flow));
  EXPECT_TRUE(matches("~e | ~m GET ~c 200", flow)) << "juxtaposition binds like &, tighter than |";
}

TEST(FilterParse, NotBindsTighterThanAndTighterThanOr) {
  auto flow = api_flow();
  // !a & b is (!a) & b, not !(a & b).
  EXPECT_FALSE(matches("!~m GET & ~c 200", flow));
  EXPECT_TRUE(matches("!(~m GET & ~c 404)", flow));
  // a | b & c is a | (b & c): true | (false & …) is true.
  EXPECT_TRUE(matches("~m GET | ~m POST & ~c 404", flow));
  // a & b | c is (a & b) | c.
  EXPECT_TRUE(matches("~m POST & ~c 404 | ~c 200", flow));
  EXPECT_FALSE(matches("~m POST & (~c 404 | ~c 200)", flow));
}

TEST(FilterParse, Parentheses) {
  auto flow = api_flow();
  EXPECT_TRUE(matches("(~m GET)", flow));
  EXPECT_TRUE(matches("((~m POST | ~m GET) & (~c 2xx))", flow));
  EXPECT_FALSE(matches("!(~m POST | ~m GET)", flow));
  EXPECT_TRUE(matches("(~m GET)(~c 200)", flow)) << "groups side by side are &";
}

TEST(FilterParse, QuotedArgumentsWithSpacesAndEscapes) {
  auto flow = api_flow();
  flow.request.headers.add("User-Agent", "curl/8.1 (x86_64) \"quoted\" it's");
  EXPECT_TRUE(matches("~h 'User-Agent: curl'", flow));
  EXPECT_TRUE(matches(R"x(~h "curl/8.1 \(x86_64\)")x", flow)) << "parentheses inside quotes are the regex's";
  EXPECT_FALSE(matches(R"x(~h "curl/8.1 (x86_64)")x", flow)) << "(…) is a group";
  EXPECT_TRUE(matches(R"(~h "\"quoted\"")", flow));
  EXPECT_TRUE(matches(R"(~h 'it\'s')", flow));
  EXPECT_TRUE(matches(R"(~u "v\d/items")", flow)) << "a backslash before anything else stays for the regex";
  EXPECT_TRUE(matches(R"(~u "v\\d/items")", flow)) << "\\\\ is one backslash";
  EXPECT_TRUE(matches("~u \"\"", flow)) << "an empty pattern matches everything";
}

TEST(FilterParse, ArgumentMayStartWithBang) {
  auto flow = api_flow();
  flow.response->body.data = "a!b";
  EXPECT_TRUE(matches("~bs a!b", flow));
  flow.response->body.data = "!important";
  EXPECT_TRUE(matches("~bs !important", flow));
}

TEST(FilterParse, WhitespaceOfAnyKind) {
  auto flow = api_flow();
  EXPECT_TRUE(matches("  ~m\tGET\n&\r\n~c   200  ", flow));
  EXPECT_TRUE(matches("~m GET&~c 200", flow)) << "operators need no spaces";
  EXPECT_TRUE(matches("~m POST|~c 200", flow));
  EXPECT_TRUE(matches("!~c 404&!~e", flow));
}

TEST(FilterParse, CompiledFilterKeepsItsExpressionAndIsCopyable) {
  auto filter = Filter::compile("~d example.com & ~b widget");
  ASSERT_TRUE(filter);
  EXPECT_EQ(filter->expression(), "~d example.com & ~b widget");
  EXPECT_TRUE(filter->reads_bodies());
  Filter copy = *filter;
  EXPECT_TRUE(copy.matches(api_flow()));
  auto cheap = Filter::compile("~d example.com");
  ASSERT_TRUE(cheap);
  EXPECT_FALSE(cheap->reads_bodies());
}

}  // namespace
}  // namespace flowscope::filter
