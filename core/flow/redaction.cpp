#include "core/flow/redaction.hpp"

namespace flowscope::flow {

namespace {

constexpr RedactionPlace kPlaces[] = {RedactionPlace::kRequestHeader, RedactionPlace::kResponseHeader,
                                      RedactionPlace::kQuery, RedactionPlace::kRequestBody,
                                      RedactionPlace::kResponseBody};

}  // namespace

const char* redaction_place_name(RedactionPlace where) {
  switch (where) {
    case RedactionPlace::kRequestHeader: return "request_header";
    case RedactionPlace::kResponseHeader: return "response_header";
    case RedactionPlace::kQuery: return "query";
    case RedactionPlace::kRequestBody: return "request_body";
    case RedactionPlace::kResponseBody: return "response_body";
  }
  return "?";
}

std::optional<RedactionPlace> parse_redaction_place(std::string_view name) {
  for (RedactionPlace place : kPlaces) {
    if (name == redaction_place_name(place)) return place;
  }
  return std::nullopt;
}

}  // namespace flowscope::flow
