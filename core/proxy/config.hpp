#pragma once
// Everything a proxy run is configured with. The CLI fills it from flags.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace flowscope::proxy {

// --resolve HOST:PORT:ADDR, as in curl: connect to ADDR when asked for HOST:PORT.
struct ResolveOverride {
  std::string host;
  std::uint16_t port = 0;
  std::string address;
};

// --upstream-proxy http://[user:pass@]host:port
struct UpstreamProxy {
  std::string host;
  std::uint16_t port = 0;
  std::string credentials;  // "user:pass", empty for none
};

struct Config {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8080;  // 0: the OS picks one
  unsigned threads = 0;              // 0: one per hardware thread

  std::vector<std::uint16_t> connect_ports;  // empty: CONNECT to any port
  std::optional<std::string> proxy_auth;     // "user:pass": require Basic auth
  std::vector<ResolveOverride> resolve;
  std::optional<UpstreamProxy> upstream_proxy;

  std::uint64_t connect_timeout_ms = 10'000;
  std::uint64_t header_timeout_ms = 30'000;    // from a head's first byte to its end
  std::uint64_t idle_timeout_ms = 300'000;     // a client connection with nothing in flight
  std::uint64_t response_timeout_ms = 60'000;  // from request sent to response head
  std::uint64_t shutdown_grace_ms = 5'000;
  std::uint64_t breakpoint_timeout_ms = 300'000;  // a paused hook unanswered this long: continue

  // Interception (used when the proxy is given a certificate source).
  std::vector<std::string> ignore_hosts;  // regexes: these hosts are tunnelled blind
  std::vector<std::string> allow_hosts;   // regexes: when set, only these are intercepted
  bool auto_passthrough = true;           // tunnel hosts whose clients refuse our certificate
  std::uint64_t passthrough_ttl_ms = 600'000;  // … for this long, per client
  bool insecure = false;                  // do not verify origin certificates
  std::string upstream_ca;                // extra trusted CA file for origins
  std::string client_cert;                // PEM (certificate + key) offered to origins that ask
  // An intercepted CONNECT answers 200 without connecting, and the leaf is minted from
  // the SNI alone; the origin is reached only when a request in the tunnel is
  // forwarded. Server replay sets it, so that recorded https hosts are served with
  // the origin offline. Ignored with an upstream proxy, and for hosts tunnelled blind.
  bool defer_tunnel_connect = false;

  std::size_t max_head_bytes = 64 * 1024;
  std::size_t body_limit = 1024 * 1024;  // bytes of each body kept in a flow; 0 keeps all
  std::size_t ws_message_limit = 10'000;  // WebSocket messages kept in a flow; 0 keeps all
  std::size_t ws_payload_limit = 16 * 1024 * 1024;  // WebSocket payload bytes kept in a flow; 0 keeps all
};

}  // namespace flowscope::proxy
