#include "core/http/hop_by_hop.hpp"

#include <string>
#include <vector>

namespace flowscope::http {

bool is_websocket_upgrade(const Headers& headers) {
  return headers.has_token("Connection", "upgrade") && headers.has_token("Upgrade", "websocket");
}

void strip_hop_by_hop(Headers& headers, bool keep_upgrade) {
  std::vector<std::string> named;
  for (auto value : headers.find_all("Connection")) {
    std::string_view rest = value;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      std::string_view token = rest.substr(0, comma);
      while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) token.remove_prefix(1);
      while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
      if (!token.empty()) named.emplace_back(token);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
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
