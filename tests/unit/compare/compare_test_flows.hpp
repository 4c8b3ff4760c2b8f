#pragma once
// Flows for the comparison tests, and shorthands for reading a diff.
#include <string>
#include <vector>

#include "core/compare/diff_text.hpp"
#include "core/compare/flow_diff.hpp"
#include "core/compare/json_diff.hpp"
#include "core/flow/flow.hpp"

namespace flowscope::compare::testing {

// METHOD URL answered `status` with a JSON (or any) body.
inline flow::Flow exchange(std::string method, std::string url, int status = 200,
                           std::string body = "{}", std::string content_type = "application/json") {
  flow::Flow flow;
  flow.id = "1-1";
  flow.scheme = url.starts_with("https") ? "https" : "http";
  flow.request.method = std::move(method);
  flow.request.url = std::move(url);
  flow.request.http_version = "HTTP/1.1";
  flow.request.headers.add("Accept", "*/*");
  flow::Response response;
  response.status = status;
  response.reason = "OK";
  response.http_version = "HTTP/1.1";
  response.headers.add("Content-Type", std::move(content_type));
  response.body.data = std::move(body);
  response.body.size = response.body.data.size();
  flow.response = std::move(response);
  return flow;
}

inline CompareOptions options(std::vector<std::string> ignore_headers = {},
                              std::vector<std::string> ignore_fields = {},
                              bool default_ignores = true) {
  auto made = make_compare_options(ignore_headers, ignore_fields, default_ignores);
  EXPECT_TRUE(made) << (made ? "" : made.error().message);
  return made ? std::move(*made) : CompareOptions{};
}

// One line per change, as diff prints them.
inline std::vector<std::string> describe(const JsonDiff& diff) {
  std::vector<std::string> out;
  for (const FieldChange& change : diff.changes) out.push_back(field_change_text(change));
  return out;
}

}  // namespace flowscope::compare::testing
