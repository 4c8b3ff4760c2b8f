#pragma once
// Small recorded exchanges for the server replay tests: a request and the response it
// got, with only the fields server replay looks at.
#include <string>

#include "core/flow/flow.hpp"

namespace flowscope::server_replay::testing {

inline flow::Request request(std::string method, std::string url, std::string body = {},
                             std::string content_type = {}) {
  flow::Request r;
  r.method = std::move(method);
  r.url = std::move(url);
  r.http_version = "HTTP/1.1";
  if (!content_type.empty()) r.headers.add("Content-Type", std::move(content_type));
  r.body.size = body.size();
  r.body.data = std::move(body);
  return r;
}

inline flow::Flow exchange(std::string id, flow::Request req, int status, std::string body,
                           std::string content_type = "text/plain") {
  flow::Flow f;
  f.id = std::move(id);
  f.scheme = req.url.starts_with("https:") ? "https" : "http";
  f.request = std::move(req);
  flow::Response& r = f.response.emplace();
  r.status = status;
  r.reason = "OK";
  r.http_version = "HTTP/1.1";
  r.headers.add("Content-Type", std::move(content_type));
  r.headers.add("Content-Length", std::to_string(body.size()));
  r.body.size = body.size();
  r.body.data = std::move(body);
  return f;
}

}  // namespace flowscope::server_replay::testing
