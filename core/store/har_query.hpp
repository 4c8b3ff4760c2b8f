#pragma once
// application/x-www-form-urlencoded, both ways: HAR's queryString and postData.params
// are the decoded pairs of a URL's query and of a form body.
#include <string>
#include <string_view>
#include <vector>

namespace flowscope::store::har {

struct NameValue {
  std::string name;
  std::string value;
  bool operator==(const NameValue&) const = default;
};

// %XX becomes the byte it names; a '%' not followed by two hex digits stays as it is
// (browsers do the same), so no input is an error.
std::string percent_decode(std::string_view text, bool plus_is_space);

// WHATWG URL §5.1: '&'-separated, empty pieces skipped, split at the first '=' (a
// piece without one is a name with an empty value), '+' is a space, %XX decoded.
std::vector<NameValue> parse_form_urlencoded(std::string_view text);

// The query of `url` (after the first '?', before any '#'), parsed as above.
std::vector<NameValue> parse_url_query(std::string_view url);

// WHATWG's urlencoded serializer: the inverse of parse_form_urlencoded, used when a
// HAR carries a form as postData.params without postData.text.
std::string encode_form_urlencoded(const std::vector<NameValue>& pairs);

}  // namespace flowscope::store::har
