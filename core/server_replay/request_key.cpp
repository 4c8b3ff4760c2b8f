#include "core/server_replay/request_key.hpp"

#include <algorithm>
#include <cctype>
#include <tuple>
#include <vector>

#include "core/http/target.hpp"
#include "core/store/har_query.hpp"

namespace flowscope::server_replay {

namespace {

using store::har::NameValue;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// The query's pairs in one order whatever order they came in; a parameter given twice
// stays twice (?tag=a&tag=b is not ?tag=a).
std::string canonical_query(std::string_view query, const std::set<std::string>& ignored_params) {
  std::vector<NameValue> pairs = store::har::parse_form_urlencoded(query);
  std::erase_if(pairs, [&](const NameValue& pair) { return ignored_params.contains(pair.name); });
  std::sort(pairs.begin(), pairs.end(),
            [](const NameValue& a, const NameValue& b) { return std::tie(a.name, a.value) < std::tie(b.name, b.value); });
  return store::har::encode_form_urlencoded(pairs);
}

}  // namespace

std::string canonical_url(std::string_view url, const std::set<std::string>& ignored_params) {
  url = url.substr(0, url.find('#'));
  auto parsed = http::parse_absolute_url(url);
  std::string out;
  std::string_view path_and_query;
  if (parsed) {
    http::Authority authority = parsed->authority;
    authority.host = lower(authority.host);
    out = parsed->scheme + "://" + authority.to_string();
    path_and_query = parsed->path_and_query;
  } else {
    // Not http(s) (another tool's HAR may hold anything): compared as written.
    const std::size_t question = url.find('?');
    out.assign(url.substr(0, question));
    if (question == std::string_view::npos) return out;
    path_and_query = url.substr(question);
  }
  const std::size_t question = path_and_query.find('?');
  out.append(path_and_query.substr(0, question));
  if (question != std::string_view::npos) {
    const std::string query = canonical_query(path_and_query.substr(question + 1), ignored_params);
    if (!query.empty()) out += "?" + query;
  }
  return out;
}

std::string request_key(const flow::Request& request, const MatchRules& rules) {
  std::string key = request.method + " " + canonical_url(request.url, rules.ignored_params);
  for (const std::string& name : rules.headers) {
    // \n cannot occur in a method, a URL or a parsed header value, so the parts stay apart.
    key += "\n" + name;
    for (std::string_view value : request.headers.find_all(name)) {
      key += "\n=";
      key.append(value);
    }
  }
  return key;
}

}  // namespace flowscope::server_replay
