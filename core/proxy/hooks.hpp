#pragma once
// Hook seams of an HTTP exchange (DESIGN.md "Hooks"). Each fires at one point of an
// HttpStream and answers at once: go on, go on with the message changed in place,
// answer locally with a response of its own, or kill the exchange. Breakpoints,
// map-local and map-remote, rewrite rules, server replay and the cert.flowscope page
// are hook answers. No hooks (nullptr) costs nothing: the exchange just goes on.
#include <memory>
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
  };
  Kind kind = Kind::kContinue;
  LocalResponse response;
  std::string reason;

  static HookAnswer proceed() { return {}; }
  static HookAnswer modified() { return {Kind::kModified, {}, {}}; }
  static HookAnswer answer(LocalResponse response) { return {Kind::kAnswer, std::move(response), {}}; }
  static HookAnswer kill(std::string reason) { return {Kind::kKill, {}, std::move(reason)}; }
};

class Hook {
 public:
  virtual ~Hook() = default;
  // Called on the worker thread that runs the exchange; must not block.
  virtual HookAnswer on_hook(HookPoint point, flow::Flow& flow) = 0;
};

// Asks each hook in turn; the first that does more than continue decides.
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
