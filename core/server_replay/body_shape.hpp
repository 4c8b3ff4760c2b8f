#pragma once
// How server replay compares a live request body with a recorded one. A JSON body
// (a Content-Type that mentions json) compares as a JSON value, so key order and
// whitespace do not matter; an application/x-www-form-urlencoded body compares as its
// fields in any order, without the fields `--match ignore-param` names; anything else,
// and any body the body limit cut, compares byte for byte.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/flow/flow.hpp"
#include "core/server_replay/match_rules.hpp"
#include "core/store/har_query.hpp"

namespace flowscope::server_replay {

struct BodyShape {
  enum class Kind { kBytes, kJson, kForm };
  Kind kind = Kind::kBytes;
  std::string bytes;  // the kept bytes, for every kind
  std::uint64_t size = 0;
  bool truncated = false;
  nlohmann::json json;                       // kJson
  std::vector<store::har::NameValue> fields; // kForm: sorted, ignored fields left out
};

BodyShape body_shape(const flow::Request& request, const MatchRules& rules);

// True when the two bodies are the same request body. When either was cut by a body
// limit, the sizes must agree and the shorter kept part must begin the longer.
bool same_body(const BodyShape& recorded, const BodyShape& live);

}  // namespace flowscope::server_replay
