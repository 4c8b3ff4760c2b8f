#pragma once
// The part of a request that server replay looks up by exact equality: the method, the
// URL in a canonical form, and the headers a `--match header=NAME` rule names. Bodies
// are compared apart (body_shape.hpp), because they compare by value, not by bytes.
#include <set>
#include <string>
#include <string_view>

#include "core/flow/flow.hpp"
#include "core/server_replay/match_rules.hpp"

namespace flowscope::server_replay {

// "scheme://host:port/path?query": scheme and host in lower case, the port always
// written (so http://h/ and http://h:80/ are one URL), the fragment dropped, and the
// query's name=value pairs percent-decoded, sorted and re-encoded, without the
// parameters named in `ignored_params`. A URL that does not parse is taken as it is.
std::string canonical_url(std::string_view url, const std::set<std::string>& ignored_params);

// The lookup key: method, canonical URL, then each header of `rules.headers` with its
// values (absent and empty differ).
std::string request_key(const flow::Request& request, const MatchRules& rules);

}  // namespace flowscope::server_replay
