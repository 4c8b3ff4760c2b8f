#pragma once
// What the driver tells a Session (events). One variant, fed through
// Session::handle(); events about a connection carry its id (see commands.hpp).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/flow/flow.hpp"
#include "core/proxy/commands.hpp"
#include "core/proxy/hooks.hpp"

namespace flowscope::proxy {

struct UpstreamInfo {
  std::string server_address;  // "ip:port" actually connected to
  bool reused = false;         // came from the keep-alive pool
  double dns_ms = -1;
  double connect_ms = -1;
};

enum class UpstreamFailureKind { kDns, kRefused, kTimeout, kOther };

struct UpstreamFailure {
  UpstreamFailureKind kind = UpstreamFailureKind::kOther;
  std::string message;
};

// The client connection was accepted.
struct Started {};

// Bytes arrived. The view is valid only during the call.
struct DataReceived {
  ConnectionId connection = kClientConnection;
  std::string_view bytes;
};

// The peer closed its side (FIN).
struct EofReceived {
  ConnectionId connection = kClientConnection;
};

// A read or write on the connection failed (reset, broken pipe).
struct ConnectionError {
  ConnectionId connection = kClientConnection;
  std::string message;
};

// An OpenConnection succeeded.
struct Connected {
  ConnectionId connection = 0;
  UpstreamInfo info;
};

// An OpenConnection failed (DNS, refused, timeout).
struct ConnectFailed {
  ConnectionId connection = 0;
  UpstreamFailure failure;
};

struct TimerFired {
  TimerKind kind;
};

// Graceful shutdown: finish the exchange in flight, then close.
struct ShutdownRequested {};

// The grace period is over: record what is in flight as failed, then close.
struct Aborted {
  std::string reason;
};

// A paused hook was answered (PausedExchange::resume, routed by the driver).
struct HookResumed {
  std::uint64_t pause_id = 0;
  HookAnswer answer;
  std::optional<flow::Flow> edited;
};

using Event = std::variant<Started, DataReceived, EofReceived, ConnectionError, Connected, ConnectFailed, TimerFired,
                           ShutdownRequested, Aborted, HookResumed>;

}  // namespace flowscope::proxy
