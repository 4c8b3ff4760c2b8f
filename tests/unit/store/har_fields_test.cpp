// The pieces HAR derives from headers and URLs: cookies, query strings, form
// parameters, dates.
#include <gtest/gtest.h>

#include "core/store/har_cookies.hpp"
#include "core/store/har_query.hpp"
#include "core/store/har_time.hpp"

namespace flowscope::store::har {
namespace {

using Pairs = std::vector<NameValue>;
using Cookies = std::vector<CookiePair>;

// 2026-10-21T07:28:00Z
constexpr std::int64_t kOct21 = 1'792'567'680;

TEST(HarCookies, CookieHeaderSplitsIntoPairs) {
  EXPECT_EQ(parse_cookie_header("session=abc123; theme=dark"),
            (Cookies{{"session", "abc123"}, {"theme", "dark"}}));
  // Empty pieces are skipped, a bare token is a name, '=' in a value stays, quotes stay.
  EXPECT_EQ(parse_cookie_header(" a=1;;b = 2 ; flag; tok=x=y; q=\"quoted\"; "),
            (Cookies{{"a", "1"}, {"b", "2"}, {"flag", ""}, {"tok", "x=y"}, {"q", "\"quoted\""}}));
  EXPECT_TRUE(parse_cookie_header("").empty());
  // Values are not percent-decoded: the cookie reads as the client sent it.
  EXPECT_EQ(parse_cookie_header("n=a%20b"), (Cookies{{"n", "a%20b"}}));
}

TEST(HarCookies, SetCookieAttributes) {
  const SetCookie c = parse_set_cookie(
      "id=a3fWa; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/docs; Domain=.example.com; Secure; "
      "HttpOnly; SameSite=Strict",
      0);
  EXPECT_EQ(c.name, "id");
  EXPECT_EQ(c.value, "a3fWa");
  EXPECT_EQ(c.path, "/docs");
  EXPECT_EQ(c.domain, ".example.com");
  EXPECT_EQ(c.expires_unix_s, kOct21);
  EXPECT_FALSE(c.expires_text);
  EXPECT_TRUE(c.secure);
  EXPECT_TRUE(c.http_only);
  EXPECT_EQ(c.same_site, "Strict");

  const SetCookie plain = parse_set_cookie("lang=en-US", 0);
  EXPECT_EQ(plain.name, "lang");
  EXPECT_FALSE(plain.path);
  EXPECT_FALSE(plain.domain);
  EXPECT_FALSE(plain.expires_unix_s);
  EXPECT_FALSE(plain.secure);
  EXPECT_FALSE(plain.http_only);
  EXPECT_FALSE(plain.same_site);
}

TEST(HarCookies, AttributeNamesAreCaseInsensitive) {
  const SetCookie c = parse_set_cookie("a=b;secure;HTTPONLY;path=/;PATH=/x", 0);
  EXPECT_TRUE(c.secure);
  EXPECT_TRUE(c.http_only);
  EXPECT_EQ(c.path, "/x");  // the last one wins
}

TEST(HarCookies, MaxAgeWinsOverExpires) {
  const std::int64_t received = 1'795'563'481;
  SetCookie c =
      parse_set_cookie("a=b; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Max-Age=3600", received);
  EXPECT_EQ(c.expires_unix_s, received + 3600);
  c = parse_set_cookie("a=b; Max-Age=0", received);
  EXPECT_EQ(c.expires_unix_s, 0);  // "expire now": the earliest time there is
  c = parse_set_cookie("a=b; Max-Age=-5", received);
  EXPECT_EQ(c.expires_unix_s, 0);
  c = parse_set_cookie("a=b; Max-Age=soon", received);  // ignored, as the RFC says
  EXPECT_FALSE(c.expires_unix_s);
  c = parse_set_cookie("a=b; Max-Age=99999999999999999999999", received);
  ASSERT_TRUE(c.expires_unix_s);
  EXPECT_GT(*c.expires_unix_s, received);
}

TEST(HarCookies, UnparseableExpiresIsKeptAsWritten) {
  const SetCookie c = parse_set_cookie("a=b; expires=tomorrow-ish", 0);
  EXPECT_FALSE(c.expires_unix_s);
  EXPECT_EQ(c.expires_text, "tomorrow-ish");
}

TEST(HarCookies, NamelessCookie) {
  const SetCookie c = parse_set_cookie("justavalue; Path=/", 0);
  EXPECT_EQ(c.name, "");
  EXPECT_EQ(c.value, "justavalue");
  EXPECT_EQ(c.path, "/");
}

TEST(HarTime, CookieDatesInEveryFormatServersSend) {
  EXPECT_EQ(parse_cookie_date("Wed, 21 Oct 2026 07:28:00 GMT"), kOct21);      // IMF-fixdate
  EXPECT_EQ(parse_cookie_date("Wednesday, 21-Oct-26 07:28:00 GMT"), kOct21);  // RFC 850
  EXPECT_EQ(parse_cookie_date("Wed Oct 21 07:28:00 2026"), kOct21);           // asctime
  EXPECT_EQ(parse_cookie_date("21 oct 2026 7:28:0"), kOct21);
  EXPECT_EQ(parse_cookie_date("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
  EXPECT_EQ(parse_cookie_date("Fri, 01-Jan-99 00:00:00 GMT"), 915'148'800);  // 99 → 1999
}

TEST(HarTime, CookieDatesThatFail) {
  EXPECT_FALSE(parse_cookie_date(""));
  EXPECT_FALSE(parse_cookie_date("tomorrow"));
  EXPECT_FALSE(parse_cookie_date("Wed, 21 Oct 2026"));  // no time
  EXPECT_FALSE(parse_cookie_date("Mon, 30 Feb 2026 07:28:00 GMT"));
  EXPECT_FALSE(parse_cookie_date("Wed, 21 Oct 1600 07:28:00 GMT"));
  EXPECT_FALSE(parse_cookie_date("Wed, 21 Oct 2026 24:28:00 GMT"));
  EXPECT_FALSE(parse_cookie_date("Wed, 32 Oct 2026 07:28:00 GMT"));
}

TEST(HarTime, IsoWithMilliseconds) {
  EXPECT_EQ(format_iso_ms(1'795'563'481'123'456), "2026-11-24T23:38:01.123Z");
  EXPECT_EQ(format_iso_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_iso_ms(-1), "1969-12-31T23:59:59.999Z");
}

TEST(HarTime, ParsesTheDatesHarWritersProduce) {
  const std::int64_t expected = 1'795'563'481'123'000;
  EXPECT_EQ(parse_iso_us("2026-11-24T23:38:01.123Z"), expected);       // Chrome, Playwright
  EXPECT_EQ(parse_iso_us("2026-11-25T00:38:01.123+01:00"), expected);  // Firefox
  EXPECT_EQ(parse_iso_us("2026-11-24T18:38:01.123-0500"), expected);
  EXPECT_EQ(parse_iso_us("2026-11-24T23:38:01.123000+00:00"), expected);  // mitmproxy
  EXPECT_EQ(parse_iso_us("2026-11-24T23:38:01Z"), expected - 123'000);
  EXPECT_FALSE(parse_iso_us("yesterday"));
  EXPECT_FALSE(parse_iso_us("2026-11-24T23:38:01.123+5"));
}

TEST(HarQuery, QueryStringIsDecoded) {
  EXPECT_EQ(
      parse_url_query("https://example.com/search?q=caf%C3%A9+au+lait&lang=fr&empty=&flag#x=1"),
      (Pairs{{"q", "café au lait"}, {"lang", "fr"}, {"empty", ""}, {"flag", ""}}));
  EXPECT_TRUE(parse_url_query("https://example.com/path").empty());
  EXPECT_TRUE(parse_url_query("https://example.com/?").empty());
  EXPECT_EQ(parse_url_query("http://h/?a=1&&b=2&=v&a=3"),
            (Pairs{{"a", "1"}, {"b", "2"}, {"", "v"}, {"a", "3"}}));
  // '=' after the first belongs to the value; '?' after the first belongs to the query.
  EXPECT_EQ(parse_url_query("http://h/p?x=a=b?c"), (Pairs{{"x", "a=b?c"}}));
}

TEST(HarQuery, MalformedEscapesStayLiteral) {
  EXPECT_EQ(percent_decode("100%", false), "100%");
  EXPECT_EQ(percent_decode("%zz%4", false), "%zz%4");
  EXPECT_EQ(percent_decode("%41%2b+", false), "A++");
  EXPECT_EQ(percent_decode("%41%2b+", true), "A+ ");
  EXPECT_EQ(percent_decode("%00", false), std::string(1, '\0'));
}

TEST(HarQuery, FormParams) {
  EXPECT_EQ(parse_form_urlencoded("user=j%C3%BCrgen&pass=a+b%26c&remember"),
            (Pairs{{"user", "jürgen"}, {"pass", "a b&c"}, {"remember", ""}}));
}

TEST(HarQuery, FormEncodingIsTheInverseOfParsing) {
  const Pairs pairs{{"user", "jürgen"}, {"pass", "a b&c=d+e%"}, {"empty", ""}, {"*-._", "~!"}};
  const std::string encoded = encode_form_urlencoded(pairs);
  EXPECT_EQ(encoded, "user=j%C3%BCrgen&pass=a+b%26c%3Dd%2Be%25&empty=&*-._=%7E%21");
  EXPECT_EQ(parse_form_urlencoded(encoded), pairs);
}

}  // namespace
}  // namespace flowscope::store::har
