#pragma once
// proxy::HttpStream: one HTTP exchange as a flow. The codec that frames the messages
// (HTTP/1 today in Session; HTTP/2 later) reports each milestone; the stream fills in
// the Flow (heads, bodies up to --body-limit, timings, errors), asks the hook at the
// four hook points, sends live flow events when a sink wants them, and records the
// flow exactly once. It knows nothing of framing, sockets or TLS.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/flow/flow.hpp"
#include "core/proxy/clock.hpp"
#include "core/proxy/commands.hpp"
#include "core/proxy/config.hpp"
#include "core/proxy/hooks.hpp"

namespace flowscope::proxy {

// What every stream of one connection shares.
struct StreamContext {
  const Config& config;
  const Clock& clock;
  Hook* hook = nullptr;      // none: every hook point continues at once
  bool live_events = false;  // emit LiveFlow commands
  std::vector<Command>& out;
  PauseChannel* pauses = nullptr;  // none: a hook's pause counts as continue
  std::uint64_t last_pause_id = 0;
};

class HttpStream {
 public:
  HttpStream(StreamContext& context, std::string id, std::uint64_t connection_id, std::string client_address);

  flow::Flow& flow() { return flow_; }
  const flow::Flow& flow() const { return flow_; }

  // The flow's request head is filled in: live "started", then the hook.
  HookAnswer request_head();
  // Live "started" only, for what no hook sees (a CONNECT tunnel).
  void announce() { live(flow::FlowStage::kStarted); }
  void request_body(std::string_view piece);
  HookAnswer request_end();
  // The upstream connection the request goes out on is ready (send starts).
  void connected();
  bool is_connected() const { return connected_us_ != 0; }
  // The flow's response head is filled in.
  HookAnswer response_head();
  void response_body(std::string_view piece);
  // The response is complete: timings are final, then the hook.
  HookAnswer response_end();

  // The flow's WebSocket record grew: a live event with the messages from index
  // `first_new` on, and the close.
  void websocket_progress(std::size_t first_new);

  // After a hook point answered kPause: the id its HookResumed carries (0: none).
  std::uint64_t pause_id() const { return pause_id_; }
  // The pause is over (resumed or timed out): later resumes with its id are stale.
  void end_pause() { pause_id_ = 0; }
  // A resumed kModified answer: `edited`'s message for `point` replaces the flow's
  // (its body too when `with_body`, for a held message).
  void apply_edit(HookPoint point, const flow::Flow& edited, bool with_body);

  // Records the flow (with `error` when it failed); later calls do nothing.
  void finish(std::string error = {});
  bool finished() const { return finished_; }

  std::int64_t started_us() const { return started_us_; }

 private:
  HookAnswer ask(HookPoint point);
  void live(flow::FlowStage stage);

  StreamContext& context_;
  flow::Flow flow_;
  std::int64_t started_us_ = 0;
  std::int64_t connected_us_ = 0;
  std::int64_t request_done_us_ = 0;
  std::int64_t response_head_us_ = 0;
  std::uint64_t pause_id_ = 0;
  bool finished_ = false;
};

}  // namespace flowscope::proxy
