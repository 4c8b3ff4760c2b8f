#include "core/server_replay/recorded_answer.hpp"

#include "core/flow/content_decoding.hpp"
#include "core/http/hop_by_hop.hpp"

namespace flowscope::server_replay {

namespace {

// Several Content-Encoding fields are one list (RFC 9110 §8.4).
std::string content_encoding(const http::Headers& headers) {
  std::string joined;
  for (std::string_view value : headers.find_all("Content-Encoding")) {
    if (!joined.empty()) joined += ", ";
    joined.append(value);
  }
  return joined;
}

}  // namespace

proxy::LocalResponse recorded_answer(const flow::Response& response) {
  proxy::LocalResponse answer;
  answer.status = response.status;
  answer.headers = response.headers;
  http::strip_hop_by_hop(answer.headers, false);
  answer.body = response.body.data;
  const std::string encoding = content_encoding(answer.headers);
  // A body cut by the body limit cannot decode to its end whatever it is: leave it be.
  if (!encoding.empty() && !response.body.truncated && !flow::decode_content(answer.body, encoding)) {
    answer.headers.remove("Content-Encoding");
  }
  return answer;
}

proxy::LocalResponse unmatched_answer(const flow::Request& request, std::string_view recording,
                                      std::string_view hint) {
  proxy::LocalResponse answer;
  answer.status = 502;
  answer.headers.add("Content-Type", "text/plain; charset=utf-8");
  answer.body = "flowscope server replay: no recorded response for " + request.method + " " + request.url + "\n";
  answer.body += "The recording " + std::string(recording) +
                 " has no request with this method, URL (query parameters in any order) and body.\n";
  if (!hint.empty()) answer.body += std::string(hint) + "\n";
  answer.body +=
      "Record it with: flowscope record -o FILE.har -- CMD (then serve the new FILE.har), "
      "or pass --passthrough to forward unmatched requests to the origin.\n";
  return answer;
}

}  // namespace flowscope::server_replay
