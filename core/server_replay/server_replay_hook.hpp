#pragma once
// Server replay as a hook (proxy/hooks.hpp): a request that matches the recording is
// answered locally with the recorded response and never reaches the origin; the flow
// is recorded with `served_from` naming the recorded flow. A request nothing matches
// gets a 502 that says so, or with `passthrough` goes to the origin and is recorded as
// usual. `serve` and `record --replay` put it in EngineOptions::hooks.
//
// The body takes part in the match, so a request with a body is held at its head
// (HookAnswer::hold: nothing goes upstream) and decided at its end, once read. One
// whose Content-Length is over the body limit could not be held whole: it is decided
// at its head, on method and URL alone. A chunked one that turns out too long has been
// let go upstream by the time its end comes; that is reported, not hidden.
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "core/proxy/hooks.hpp"
#include "core/server_replay/outcome.hpp"
#include "core/server_replay/recorded_responses.hpp"

namespace flowscope::server_replay {

struct ServerReplayOptions {
  bool passthrough = false;
  std::string recording_name;  // named in the 502, e.g. "api.har"
  std::size_t body_limit = 0;  // Config::body_limit: how much of a body a hold reads (0: all)
  // Told about each request once it is decided, on the worker thread that runs it.
  std::function<void(const Outcome&)> on_outcome;
};

class ServerReplayHook : public proxy::Hook {
 public:
  ServerReplayHook(std::shared_ptr<RecordedResponses> responses, ServerReplayOptions options)
      : responses_(std::move(responses)), options_(std::move(options)) {}

  proxy::HookAnswer on_hook(proxy::HookPoint point, flow::Flow& flow) override;

  Tally tally() const;
  const RecordedResponses& responses() const { return *responses_; }

 private:
  // Whether a request is held for its body, asked at both points with the same head.
  bool holds_for_body(const flow::Request& request) const;
  proxy::HookAnswer decide(flow::Flow& flow, bool body_known);
  void report(const Outcome& outcome);

  std::shared_ptr<RecordedResponses> responses_;
  ServerReplayOptions options_;
  mutable std::mutex mutex_;
  Tally tally_;
};

}  // namespace flowscope::server_replay
