#include "core/proxy/replay_request.hpp"

#include "core/http/hop_by_hop.hpp"
#include "core/http/target.hpp"

namespace flowscope::proxy {

Result<ReplayPlan> plan_replay(const flow::Flow& original) {
  const flow::Request& request = original.request;
  if (original.scheme == "tunnel" || original.tunnel) {
    return fail("flow " + original.id + " is a blind tunnel: there is no request in it to replay");
  }
  auto url = http::parse_absolute_url(request.url);
  if (!url) return fail("flow " + original.id + " has a URL that cannot be replayed: " + url.error().message);
  if (request.body.truncated) {
    return fail("flow " + original.id + " kept only " + std::to_string(request.body.data.size()) + " of " +
                std::to_string(request.body.size) + " request body bytes (--body-limit): it cannot be replayed as sent");
  }
  if (request.method.empty() || request.method == "CONNECT") {
    return fail("flow " + original.id + " has no replayable method ('" + request.method + "')");
  }

  http::Headers headers = request.headers;
  http::strip_hop_by_hop(headers, /*keep_upgrade=*/false);
  headers.remove("Host");
  // The recorded body is whole and decoded from its framing: send it with a length.
  const bool has_body = !request.body.data.empty() || request.method == "POST" || request.method == "PUT" ||
                        request.method == "PATCH";
  // One request, then the session closes: the replay's virtual client never sends more.
  headers.add("Connection", "close");

  ReplayPlan plan;
  plan.https = url->scheme == "https";
  const std::string authority = url->authority.to_string();
  std::string& out = plan.client_bytes;
  if (plan.https) {
    out += "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n";
    out += request.method + " " + url->path_and_query + " HTTP/1.1\r\n";
  } else {
    out += request.method + " " + request.url + " HTTP/1.1\r\n";
  }
  const std::string& host = url->authority.host;
  const std::string bare_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  out += "Host: " + (url->port_explicit ? authority : bare_host) + "\r\n";
  for (const auto& h : headers.items) out += h.name + ": " + h.value + "\r\n";
  if (has_body) out += "Content-Length: " + std::to_string(request.body.data.size()) + "\r\n";
  out += "\r\n";
  out += request.body.data;
  return plan;
}

}  // namespace flowscope::proxy
