// What a secret header is recorded as: the secret goes, what helps reading stays.
#include "core/redact/header_values.hpp"

#include <gtest/gtest.h>

namespace flowscope::redact {
namespace {

TEST(RedactedHeaderValue, AuthorizationKeepsItsScheme) {
  EXPECT_EQ(redacted_header_value("Authorization", "Bearer eyJhbGciOi.x.y"), "Bearer REDACTED");
  EXPECT_EQ(redacted_header_value("proxy-authorization", "Basic dXNlcjpwYXNz"), "Basic REDACTED");
  EXPECT_EQ(redacted_header_value("Authorization", "Digest username=\"ada\", response=\"abc\""), "Digest REDACTED");
  EXPECT_EQ(redacted_header_value("Authorization", "sk-live-123"), "REDACTED");
  EXPECT_EQ(redacted_header_value("Authorization", "a=b c"), "REDACTED");  // no scheme before the space
}

TEST(RedactedHeaderValue, CookiesKeepTheirNames) {
  EXPECT_EQ(redacted_header_value("Cookie", "session=abc123; theme=dark"), "session=REDACTED; theme=REDACTED");
  EXPECT_EQ(redacted_header_value("Cookie", "lonely;a=1;;"), "REDACTED; a=REDACTED");
  EXPECT_EQ(redacted_header_value("Set-Cookie", "sid=xyz789; Path=/; HttpOnly"), "sid=REDACTED; Path=/; HttpOnly");
  EXPECT_EQ(redacted_header_value("set-cookie", "sid=xyz789"), "sid=REDACTED");
}

TEST(RedactedHeaderValue, OtherHeadersAreReplacedWhole) {
  EXPECT_EQ(redacted_header_value("X-Api-Key", "k-123"), "REDACTED");
  EXPECT_EQ(redacted_header_value("X-Session", "Bearer x"), "REDACTED");
}

}  // namespace
}  // namespace flowscope::redact
