#pragma once
// What a Session asks its driver to do (commands) and what the driver tells a
// Session (the event methods on Session). The driver in core/net is the only code
// that turns these into socket work; tests assert on them directly.
#include <cstdint>
#include <string>
#include <variant>

#include "core/flow/flow.hpp"

namespace flowscope::proxy {

enum class Side { kClient, kUpstream };

enum class TimerKind {
  kIdle,      // a client connection with no request in flight
  kHeader,    // a request head that started but has not ended
  kResponse,  // a request sent, its response head not yet received
};

struct SendBytes {
  Side to;
  std::string bytes;
};

// Connect to host:port (after --resolve overrides and DNS). With allow_pooled, an
// idle keep-alive connection to the same host:port may be handed over instead.
// The driver answers with on_upstream_connected or on_upstream_failed.
struct OpenUpstream {
  std::string host;
  std::uint16_t port = 0;
  bool allow_pooled = false;
};

// The session is done with its upstream connection. A reusable one goes back to
// the loop's pool; otherwise it is closed.
struct ReleaseUpstream {
  bool reusable = false;
};

// Half-close: shut down writing on that side once its queued bytes are written.
struct ShutdownWrite {
  Side side;
};

// Close both sides once the bytes queued for the client are written. Final.
struct CloseConnection {};

struct StartTimer {
  TimerKind kind;
  std::uint64_t ms = 0;
};

struct StopTimer {
  TimerKind kind;
};

struct RecordFlow {
  flow::Flow flow;
};

using Command = std::variant<SendBytes, OpenUpstream, ReleaseUpstream, ShutdownWrite, CloseConnection,
                             StartTimer, StopTimer, RecordFlow>;

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

}  // namespace flowscope::proxy
