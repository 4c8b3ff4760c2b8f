#pragma once
// What a Session asks its driver to do (commands). Every command that touches a
// socket names the connection by id: kClientConnection is the client's, and the
// session numbers each upstream connection it opens (1, 2, …), so a session can hold
// several at once and an event from a connection it already let go is recognised
// and ignored. The driver in core/net is the only code that turns these into
// socket work; tests assert on them directly.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "core/flow/flow.hpp"
#include "core/flow/flow_event.hpp"

namespace flowscope::proxy {

using ConnectionId = std::uint32_t;
inline constexpr ConnectionId kClientConnection = 0;

enum class TimerKind {
  kIdle,      // a client connection with no request in flight
  kHeader,    // a request head that started but has not ended
  kResponse,  // a request sent, its response head not yet received
  kHook,      // a hook paused the exchange (HookAnswer::pause) and has not answered
};
inline constexpr std::size_t kTimerKinds = 4;

struct SendBytes {
  ConnectionId connection = kClientConnection;
  std::string bytes;
};

// Connect `connection` (a new id) to host:port, after --resolve overrides and DNS.
// With allow_pooled, an idle keep-alive connection to the same host:port may be
// handed over instead. The driver answers with Connected or ConnectFailed.
struct OpenConnection {
  ConnectionId connection = 0;
  std::string host;
  std::uint16_t port = 0;
  bool allow_pooled = false;
};

// Half-close: shut down writing once the connection's queued bytes are written.
struct ShutdownWrite {
  ConnectionId connection = kClientConnection;
};

// The session is done with a connection. An upstream one marked reusable goes back
// to the loop's pool; otherwise it is closed. Closing the client connection ends
// the session: its queued bytes are written first, then every connection closes.
struct CloseConnection {
  ConnectionId connection = kClientConnection;
  bool reusable = false;
};

struct StartTimer {
  TimerKind kind;
  std::uint64_t ms = 0;
};

struct StopTimer {
  TimerKind kind;
};

// A flow ended: for every sink.
struct RecordFlow {
  flow::Flow flow;
};

// A flow is under way (only when a sink asked for live events).
struct LiveFlow {
  flow::FlowEvent event;
};

using Command = std::variant<SendBytes, OpenConnection, ShutdownWrite, CloseConnection, StartTimer, StopTimer,
                             RecordFlow, LiveFlow>;

}  // namespace flowscope::proxy
