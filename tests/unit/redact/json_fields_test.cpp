// redact_json_fields: secret members at any depth and in arrays are replaced in place,
// every other byte stays, and text that is not JSON is left alone.
#include "core/redact/json_fields.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace flowscope::redact {
namespace {

using flow::Redaction;
using flow::RedactionPlace;

NameMatcher matcher(std::vector<std::string> patterns = {"token", "key", "secret", "password", "sig"}) {
  auto compiled = NameMatcher::compile(patterns, "--redact-field");
  EXPECT_TRUE(compiled) << compiled.error().message;
  return *compiled;
}

struct Outcome {
  std::optional<std::string> text;
  std::vector<Redaction> notes;
};

Outcome redact(std::string_view text, bool cut = false, const NameMatcher& secret = matcher()) {
  Outcome out;
  out.text = redact_json_fields(text, cut, secret, RedactionPlace::kRequestBody, out.notes);
  return out;
}

TEST(RedactJson, ReplacesATopLevelStringAndKeepsEveryOtherByte) {
  auto r = redact(R"({ "user" : "ada",  "password":"hunter2" ,"n": 1.50e+3 })");
  ASSERT_TRUE(r.text);
  EXPECT_EQ(*r.text, R"({ "user" : "ada",  "password":"REDACTED" ,"n": 1.50e+3 })");
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_EQ(r.notes[0].where, RedactionPlace::kRequestBody);
  EXPECT_EQ(r.notes[0].name, "password");
  EXPECT_EQ(r.notes[0].original_length, 7u);  // hunter2, without its quotes
  EXPECT_EQ(r.notes[0].content_encoding, "");
}

TEST(RedactJson, NestedObjectsAndArraysAtAnyDepth) {
  auto r = redact(R"({"auth":{"client":{"api_key":"k-123","name":"x"}},)"
                  R"("items":[{"token":"t1"},{"id":2,"token":"t22"}],"deep":[[{"Secret":42}]]})");
  ASSERT_TRUE(r.text);
  EXPECT_EQ(*r.text, R"({"auth":{"client":{"api_key":"REDACTED","name":"x"}},)"
                     R"("items":[{"token":"REDACTED"},{"id":2,"token":"REDACTED"}],"deep":[[{"Secret":"REDACTED"}]]})");
  ASSERT_EQ(r.notes.size(), 4u);
  EXPECT_EQ(r.notes[0].name, "auth.client.api_key");
  EXPECT_EQ(r.notes[0].original_length, 5u);
  EXPECT_EQ(r.notes[1].name, "items[0].token");
  EXPECT_EQ(r.notes[2].name, "items[1].token");
  EXPECT_EQ(r.notes[2].original_length, 3u);
  EXPECT_EQ(r.notes[3].name, "deep[0][0].Secret");  // names match ignoring case
  EXPECT_EQ(r.notes[3].original_length, 2u);         // a number: its text
  EXPECT_TRUE(nlohmann::json::accept(*r.text));
}

TEST(RedactJson, ASecretObjectOrArrayIsReplacedWhole) {
  auto r = redact(R"({"secrets":{"a":"1","password":"2"},"keys":["x","y"]})");
  ASSERT_TRUE(r.text);
  EXPECT_EQ(*r.text, R"({"secrets":"REDACTED","keys":"REDACTED"})");
  ASSERT_EQ(r.notes.size(), 2u);  // one note per replaced value, none for the members inside
  EXPECT_EQ(r.notes[0].name, "secrets");
  EXPECT_EQ(r.notes[0].original_length, std::string(R"({"a":"1","password":"2"})").size());
  EXPECT_EQ(r.notes[1].name, "keys");
}

TEST(RedactJson, ValuesThatHoldNothingAreLeft) {
  auto r = redact(R"({"token":null,"key":false,"secret":true,"password":"","sig":"s"})");
  ASSERT_TRUE(r.text);
  EXPECT_EQ(*r.text, R"({"token":null,"key":false,"secret":true,"password":"","sig":"REDACTED"})");
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_EQ(r.notes[0].name, "sig");
}

TEST(RedactJson, NonMatchingDocumentsAreLeftAlone) {
  auto r = redact(R"({"user":"ada","items":[1,2,{"name":"x"}]})");
  EXPECT_FALSE(r.text);
  EXPECT_TRUE(r.notes.empty());
}

TEST(RedactJson, InvalidJsonIsLeftAlone) {
  for (std::string_view text : {R"({"password":"x",})", R"({"password":"x"} trailing)", R"({"password":'x'})",
                                R"({"password":"x")", R"({password:"x"})", R"({"password":01})",
                                R"({"password":"a\qb"})", R"({"password":tru})", "{\"password\":\"a\nb\"}",
                                R"(["token", "password"] ])"}) {
    auto r = redact(text);
    EXPECT_FALSE(r.text) << text;
    EXPECT_TRUE(r.notes.empty()) << text;
  }
}

TEST(RedactJson, OnlyObjectsAndArraysAreDocuments) {
  EXPECT_FALSE(redact(R"("password")").text);
  EXPECT_FALSE(redact("password=x").text);
  EXPECT_TRUE(looks_like_json_document(" \r\n\t{}"));
  EXPECT_TRUE(looks_like_json_document("[1]"));
  EXPECT_FALSE(looks_like_json_document("  "));
  EXPECT_FALSE(looks_like_json_document("\xef\xbb\xbf{}"));  // a BOM is no JSON whitespace
}

TEST(RedactJson, EscapedNamesAreMatchedDecodedAndValuesKeepTheirEscapes) {
  auto r = redact(R"({"pass\u0077ord":"a\"b\\c\u00e9","emoji\ud83d\ude00":"x"})");
  ASSERT_TRUE(r.text);
  EXPECT_EQ(*r.text, R"({"pass\u0077ord":"REDACTED","emoji\ud83d\ude00":"x"})");
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_EQ(r.notes[0].name, "password");
  EXPECT_EQ(r.notes[0].original_length, std::string(R"(a\"b\\c\u00e9)").size());
}

TEST(RedactJson, ACutBodyIsRedactedUpToItsEnd) {
  // The body limit cut the body inside a secret value: what was kept of it goes.
  auto r = redact(R"({"user":"ada","items":[{"token":"abcdef)", /*cut=*/true);
  ASSERT_TRUE(r.text);
  EXPECT_EQ(*r.text, R"({"user":"ada","items":[{"token":"REDACTED")");
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_EQ(r.notes[0].name, "items[0].token");
  EXPECT_EQ(r.notes[0].original_length, 6u);

  auto after = redact(R"({"token":"t","more":[1,2)", /*cut=*/true);
  ASSERT_TRUE(after.text);
  EXPECT_EQ(*after.text, R"({"token":"REDACTED","more":[1,2)");
  // The same text, not cut, is not JSON and stays.
  EXPECT_FALSE(redact(R"({"token":"t","more":[1,2)", /*cut=*/false).text);
  // A cut body that is broken before the cut is not JSON either.
  EXPECT_FALSE(redact(R"({"token":"t",,"more":[1,2)", /*cut=*/true).text);
}

TEST(RedactJson, ABodyCutAtAnyByteKeepsNoByteOfASecret) {
  // The secrets are the only 'z's, so no 'z' may survive, wherever the body limit cuts.
  const std::string body = R"({"a" : [ {"token":"zzzz\"zz","b":-1.5e3}, true ],"password" : "zzz","n":null})";
  for (std::size_t length = 0; length <= body.size(); ++length) {
    const std::string prefix = body.substr(0, length);
    auto r = redact(prefix, /*cut=*/length < body.size());
    const std::string& kept = r.text ? *r.text : prefix;
    EXPECT_EQ(kept.find('z'), std::string::npos) << "cut at " << length << ": " << kept;
  }
}

TEST(RedactJson, ExtraPatternsAreRegexes) {
  auto secret = matcher({"^(ssn|dob)$"});
  auto r = redact(R"({"ssn":"123-45-6789","ssn_note":"x","DOB":"1970-01-01"})", false, secret);
  ASSERT_TRUE(r.text);
  EXPECT_EQ(*r.text, R"({"ssn":"REDACTED","ssn_note":"x","DOB":"REDACTED"})");
}

TEST(RedactJson, DeepNestingIsNotJson) {
  std::string deep(600, '[');
  deep += R"({"token":"x"})";
  deep += std::string(600, ']');
  EXPECT_FALSE(redact(deep).text);
  std::string fine(100, '[');
  fine += R"({"token":"x"})";
  fine += std::string(100, ']');
  EXPECT_TRUE(redact(fine).text);
}

}  // namespace
}  // namespace flowscope::redact
