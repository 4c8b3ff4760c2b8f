#include "core/http/hop_by_hop.hpp"

#include <string>
#include <vector>

namespace flowscope::http {

bool is_websocket_upgrade(const Headers& headers) {
  return headers.has_token("Connection", "upgrade") && headers.has_token("Upgrade", "websocket");
}

void strip_hop_by_hop(Headers& headers, bool keep_upgrade) {
  std::vector<std::string> named;
  for (auto value : headers.find_all("Connection"))
    for (auto token : split_list(value)) named.emplace_back(token);
  for (const auto& name : named)
    if (!(keep_upgrade && iequals(name, "upgrade"))) headers.remove(name);
  for (const char* name : {"Connection", "Proxy-Connection", "Keep-Alive", "TE", "Trailer",
                           "Proxy-Authorization", "Proxy-Authenticate", "Transfer-Encoding", "Content-Length"})
    headers.remove(name);
  if (keep_upgrade) {
    headers.add("Connection", "Upgrade");
  } else {
    headers.remove("Upgrade");
  }
}

}  // namespace flowscope::http
