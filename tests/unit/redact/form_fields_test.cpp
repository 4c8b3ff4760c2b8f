// Query strings and urlencoded forms: secret parameters' values become REDACTED, names
// are matched percent-decoded, and the rest of the text keeps its bytes.
#include "core/redact/form_fields.hpp"

#include <gtest/gtest.h>

namespace flowscope::redact {
namespace {

using flow::Redaction;
using flow::RedactionPlace;

NameMatcher words() {
  auto compiled = NameMatcher::compile({"token", "key", "secret", "password", "sig"}, "--redact-param");
  EXPECT_TRUE(compiled);
  return *compiled;
}

TEST(RedactForm, SecretPairsOnly) {
  std::vector<Redaction> notes;
  auto out = redact_form_pairs("user=ada&password=hunter%212&remember=1&api%5Fkey=k+1", words(),
                               RedactionPlace::kRequestBody, "", notes);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, "user=ada&password=REDACTED&remember=1&api%5Fkey=REDACTED");
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[0].name, "password");
  EXPECT_EQ(notes[0].original_length, std::string("hunter%212").size());  // as written
  EXPECT_EQ(notes[1].name, "api_key");  // matched, and noted, decoded
  EXPECT_EQ(notes[1].original_length, 3u);
}

TEST(RedactForm, EmptyValuesBareNamesAndOtherNamesStay) {
  std::vector<Redaction> notes;
  EXPECT_FALSE(redact_form_pairs("token=&password&name=token&&=secret", words(), RedactionPlace::kRequestBody,
                                 "", notes));
  EXPECT_TRUE(notes.empty());
}

TEST(RedactForm, AValueMayHoldEqualsSigns) {
  std::vector<Redaction> notes;
  auto out = redact_form_pairs("sig=a=b=c&x=1", words(), RedactionPlace::kRequestBody, "", notes);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, "sig=REDACTED&x=1");
  EXPECT_EQ(notes[0].original_length, 5u);
}

TEST(RedactUrl, OnlyTheQueryIsRead) {
  std::vector<Redaction> notes;
  auto out = redact_url_query("https://api.test/v1/token/key?access_token=abc123&page=2#secret=frag", words(),
                              RedactionPlace::kQuery, "", notes);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, "https://api.test/v1/token/key?access_token=REDACTED&page=2#secret=frag");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].where, RedactionPlace::kQuery);
  EXPECT_EQ(notes[0].name, "access_token");
  EXPECT_EQ(notes[0].original_length, 6u);
}

TEST(RedactUrl, WithoutAQueryOrASecretNothingChanges) {
  std::vector<Redaction> notes;
  EXPECT_FALSE(redact_url_query("https://api.test/token", words(), RedactionPlace::kQuery, "", notes));
  EXPECT_FALSE(redact_url_query("https://api.test/#token=x", words(), RedactionPlace::kQuery, "", notes));
  EXPECT_FALSE(redact_url_query("/search?q=tokens", words(), RedactionPlace::kQuery, "", notes));
  EXPECT_FALSE(redact_url_query("example.com:443", words(), RedactionPlace::kQuery, "", notes));
  EXPECT_TRUE(notes.empty());
}

TEST(RedactUrl, ARelativeUrlInAHeaderIsNotedWithItsPrefix) {
  std::vector<Redaction> notes;
  auto out = redact_url_query("/callback?code=1&X-Amz-Signature=deadbeef", words(), RedactionPlace::kResponseHeader,
                              "Location?", notes);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, "/callback?code=1&X-Amz-Signature=REDACTED");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].name, "Location?X-Amz-Signature");
}

}  // namespace
}  // namespace flowscope::redact
