#include "targets.hpp"

#include <netdb.h>
#include <uv.h>

#include <cstring>
#include <fstream>
#include <map>
#include <tuple>

#include "url.hpp"

namespace flowscope::loadgen {

namespace {

std::expected<std::vector<std::string>, std::string> load_hostnames(const Options& o) {
  std::vector<std::string> hosts;
  if (!o.hosts_file.empty()) {
    std::ifstream in(o.hosts_file);
    if (!in) return std::unexpected("cannot read --hosts-file " + o.hosts_file);
    std::string line;
    while (std::getline(in, line)) {
      auto begin = line.find_first_not_of(" \t\r");
      if (begin == std::string::npos || line[begin] == '#') continue;
      auto end = line.find_last_not_of(" \t\r");
      hosts.push_back(line.substr(begin, end - begin + 1));
    }
    if (hosts.empty()) return std::unexpected("--hosts-file " + o.hosts_file + " has no hostnames");
  } else if (o.host_count > 0) {
    if (o.host_pattern.find("{}") == std::string::npos) {
      return std::unexpected("--host-pattern needs a {} for the index, e.g. 'h{}.test'");
    }
    hosts.reserve(o.host_count);
    for (unsigned i = 0; i < o.host_count; ++i) {
      std::string name = o.host_pattern;
      for (auto at = name.find("{}"); at != std::string::npos; at = name.find("{}", at)) {
        name.replace(at, 2, std::to_string(i));
      }
      hosts.push_back(std::move(name));
    }
  }
  return hosts;
}

// Resolution happens once, before the run: a load test measures the server, not the resolver.
std::expected<sockaddr_storage, std::string> resolve(const std::string& host, uint16_t port) {
  sockaddr_storage out{};
  if (uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&out)) == 0) return out;
  if (uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&out)) == 0) return out;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &result);
  if (rc != 0 || result == nullptr) {
    return std::unexpected("cannot resolve " + host + ": " + gai_strerror(rc) +
                           " (pass --resolve-to IP to connect to a fixed address)");
  }
  std::memcpy(&out, result->ai_addr, result->ai_addrlen);
  freeaddrinfo(result);
  if (out.ss_family == AF_INET) {
    reinterpret_cast<sockaddr_in*>(&out)->sin_port = htons(port);
  } else {
    reinterpret_cast<sockaddr_in6*>(&out)->sin6_port = htons(port);
  }
  return out;
}

std::string address_text(const sockaddr_storage& address) {
  char ip[INET6_ADDRSTRLEN] = "?";
  uint16_t port = 0;
  if (address.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address);
    uv_ip4_name(v4, ip, sizeof ip);
    port = ntohs(v4->sin_port);
  } else {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address);
    uv_ip6_name(v6, ip, sizeof ip);
    port = ntohs(v6->sin6_port);
  }
  return authority(ip, port);
}

std::string request_head(const Options& o, const Url& url, bool via_proxy) {
  std::string host = host_header(url.host, url.port, url.tls);
  std::string head;
  head.reserve(256);
  head += o.method;
  head += ' ';
  // A proxy needs the absolute form to know where plain HTTP goes; inside a CONNECT tunnel the
  // origin sees an ordinary origin-form request.
  if (via_proxy && !url.tls) head += "http://" + host;
  head += url.path;
  head += " HTTP/1.1\r\nHost: ";
  head += host;
  head += "\r\nUser-Agent: flowscope-loadgen/0.1\r\nAccept: */*\r\n";
  if (o.body_size > 0) {
    head += "Content-Type: application/octet-stream\r\nContent-Length: ";
    head += std::to_string(o.body_size);
    head += "\r\n";
  }
  if (o.new_connection) head += "Connection: close\r\n";
  for (const auto& h : o.headers) {
    head += h;
    head += "\r\n";
  }
  head += "\r\n";
  return head;
}

}  // namespace

std::expected<std::vector<Origin>, std::string> build_origins(const Options& o) {
  std::vector<Url> urls;
  for (const auto& text : o.urls) {
    auto url = parse_url(text);
    if (!url) return std::unexpected(url.error());
    urls.push_back(std::move(*url));
  }
  auto hostnames = load_hostnames(o);
  if (!hostnames) return std::unexpected(hostnames.error());

  bool via_proxy = !o.proxy.empty();
  sockaddr_storage proxy_address{};
  if (via_proxy) {
    auto hp = split_host_port(o.proxy);
    if (!hp) return std::unexpected("--proxy: " + hp.error());
    auto addr = resolve(hp->first, hp->second);
    if (!addr) return std::unexpected("--proxy: " + addr.error());
    proxy_address = *addr;
  }

  std::vector<Origin> origins;
  std::map<std::tuple<bool, std::string, uint16_t>, size_t> index;
  std::map<std::string, sockaddr_storage> resolved;
  auto add = [&](Url url) -> std::expected<void, std::string> {
    auto key = std::tuple{url.tls, url.host, url.port};
    auto [it, inserted] = index.try_emplace(key, origins.size());
    if (inserted) {
      Origin origin;
      origin.tls = url.tls;
      origin.host = url.host;
      origin.port = url.port;
      if (via_proxy) {
        origin.address = proxy_address;
      } else {
        const std::string& target = o.resolve_to.empty() ? url.host : o.resolve_to;
        auto cached = resolved.find(target);
        if (cached == resolved.end()) {
          auto addr = resolve(target, url.port);
          if (!addr) return std::unexpected(addr.error());
          cached = resolved.emplace(target, *addr).first;
        }
        origin.address = cached->second;
        auto* sa = &origin.address;
        if (sa->ss_family == AF_INET) {
          reinterpret_cast<sockaddr_in*>(sa)->sin_port = htons(url.port);
        } else {
          reinterpret_cast<sockaddr_in6*>(sa)->sin6_port = htons(url.port);
        }
      }
      if (via_proxy && url.tls) {
        std::string target = authority(url.host, url.port);
        origin.connect_head = "CONNECT " + target + " HTTP/1.1\r\nHost: " + target +
                              "\r\nUser-Agent: flowscope-loadgen/0.1\r\n\r\n";
      }
      origin.address_text = (via_proxy ? "proxy " : "") + address_text(origin.address);
      origins.push_back(std::move(origin));
    }
    origins[it->second].request_heads.push_back(request_head(o, url, via_proxy));
    return {};
  };

  if (hostnames->empty()) {
    for (const auto& url : urls) {
      if (auto r = add(url); !r) return std::unexpected(r.error());
    }
  } else {
    for (const auto& name : *hostnames) {
      for (auto url : urls) {
        url.host = name;
        if (auto r = add(std::move(url)); !r) return std::unexpected(r.error());
      }
    }
  }
  return origins;
}

}  // namespace flowscope::loadgen
