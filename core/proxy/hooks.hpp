#pragma once
// Hook seams of an HTTP exchange (DESIGN.md "Hooks"). Each fires at one point of an
// HttpStream and answers: go on, go on with the message changed in place, answer
// locally with a response of its own, or kill the exchange. Two more answers are for
// hooks that need more than the head or more than the moment: hold (read the whole
// message before any of it is sent, so the end point may change it whole) and pause
// (a person decides later: a breakpoint). Breakpoints, map-local and map-remote,
// rewrite rules, server replay and the cert.flowscope page are hook answers. No hooks
// (nullptr) costs nothing: the exchange just goes on.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/flow/flow.hpp"
#include "core/http/message.hpp"

namespace flowscope::proxy {

enum class HookPoint {
  kRequestHead,   // the request head is parsed; nothing is sent upstream yet
  kRequestEnd,    // the whole request has been read
  kResponseHead,  // the response head arrived; nothing is sent to the client yet
  kResponseEnd,   // the whole response has been forwarded
};

const char* hook_point_name(HookPoint point);

// A response the proxy sends itself instead of forwarding.
struct LocalResponse {
  int status = 200;
  http::Headers headers;  // Content-Length is added
  std::string body;
};

class PausedExchange;
using TakePause = std::function<void(std::shared_ptr<PausedExchange>)>;

struct HookAnswer {
  enum class Kind {
    kContinue,
    // The hook changed the flow in place. At kRequestHead the request's method, URL and
    // headers are what goes upstream (inside an intercepted tunnel the origin cannot
    // change); at kResponseHead the response's status, reason and headers are what the
    // client gets. Bodies stream, so they are not changed here; at the end points it
    // counts as continue.
    kModified,
    // Answer the client with `response`. At kRequestHead the request is read and never
    // forwarded; at kResponseHead the origin's answer is dropped with its connection.
    // Recorded as the flow's response. Elsewhere it counts as continue.
    kAnswer,
    // Drop both connections; the flow is recorded with `reason` as its error.
    kKill,
    // At kRequestHead or kResponseHead: send nothing of this message yet, read all of
    // it (its body up to Config::body_limit), then ask again at its end point. There
    // kModified changes the whole message (the body too; it is sent with a
    // Content-Length) and kAnswer answers locally; at kRequestEnd the origin never saw
    // the request. A body that outgrows the limit is let go: what was held is sent and
    // the rest streams, and the end point can no longer change it. Elsewhere it counts
    // as continue.
    kHold,
    // Decide later: the exchange waits (reading no more of the message it paused) and
    // `take_pause` is called at once, on the worker thread, with the handle to answer
    // through from any thread. Other connections never wait. Unanswered for
    // Config::breakpoint_timeout_ms, it continues unchanged.
    kPause,
  };
  Kind kind = Kind::kContinue;
  LocalResponse response;
  std::string reason;
  TakePause take_pause;  // kPause only

  static HookAnswer proceed() { return {}; }
  static HookAnswer modified() { return {Kind::kModified, {}, {}, {}}; }
  static HookAnswer answer(LocalResponse response) { return {Kind::kAnswer, std::move(response), {}, {}}; }
  static HookAnswer kill(std::string reason) { return {Kind::kKill, {}, std::move(reason), {}}; }
  static HookAnswer hold() { return {Kind::kHold, {}, {}, {}}; }
  static HookAnswer pause(TakePause take) { return {Kind::kPause, {}, {}, std::move(take)}; }
};

// The handle of a paused exchange (HookAnswer::pause). Thread-safe; the first resume
// counts, later ones and those after the exchange ended do nothing.
class PausedExchange {
 public:
  virtual ~PausedExchange() = default;
  // `answer` is any answer but kPause (which counts as continue). A kModified answer
  // gives the changed message in `edited`: its request at the request points, its
  // response at the response points, replace the flow's (bodies only when held).
  virtual void resume(HookAnswer answer, std::optional<flow::Flow> edited = std::nullopt) = 0;
};

// Where a session gets the handles for its pauses: the driver routes a resume back
// to the session as a HookResumed event (events.hpp) with the same id.
class PauseChannel {
 public:
  virtual ~PauseChannel() = default;
  virtual std::shared_ptr<PausedExchange> pause_handle(std::uint64_t pause_id) = 0;
};

class Hook {
 public:
  virtual ~Hook() = default;
  // Called on the worker thread that runs the exchange; must not block.
  virtual HookAnswer on_hook(HookPoint point, flow::Flow& flow) = 0;
};

// Asks each hook in turn; the first that does more than continue decides (so the
// first hook that holds or pauses has the message).
// kModified lets the next hooks see the change and still counts as modified.
class HookChain : public Hook {
 public:
  void add(std::shared_ptr<Hook> hook) { hooks_.push_back(std::move(hook)); }
  bool empty() const { return hooks_.empty(); }
  HookAnswer on_hook(HookPoint point, flow::Flow& flow) override;

 private:
  std::vector<std::shared_ptr<Hook>> hooks_;
};

}  // namespace flowscope::proxy
