// The reason phrase the proxy writes for a status it sends itself (errors, hook answers
// such as a recorded response served again).
#include "core/http/serializer.hpp"

#include <gtest/gtest.h>

namespace flowscope::http {
namespace {

TEST(ReasonPhrase, RegisteredStatusesHaveTheirPhrase) {
  EXPECT_EQ(reason_phrase(200), "OK");
  EXPECT_EQ(reason_phrase(201), "Created");
  EXPECT_EQ(reason_phrase(204), "No Content");
  EXPECT_EQ(reason_phrase(302), "Found");
  EXPECT_EQ(reason_phrase(304), "Not Modified");
  EXPECT_EQ(reason_phrase(401), "Unauthorized");
  EXPECT_EQ(reason_phrase(422), "Unprocessable Content");
  EXPECT_EQ(reason_phrase(429), "Too Many Requests");
  EXPECT_EQ(reason_phrase(500), "Internal Server Error");
  EXPECT_EQ(reason_phrase(502), "Bad Gateway");
}

TEST(ReasonPhrase, AnUnregisteredStatusIsUnknown) {
  EXPECT_EQ(reason_phrase(299), "Unknown");
  EXPECT_EQ(reason_phrase(799), "Unknown");
}

}  // namespace
}  // namespace flowscope::http
