#include "core/server_replay/server_replay_hook.hpp"

#include "core/server_replay/recorded_answer.hpp"

namespace flowscope::server_replay {

proxy::HookAnswer ServerReplayHook::on_hook(proxy::HookPoint point, flow::Flow& flow) {
  // The request head is all there is to go on: the body is not read yet, so it takes
  // no part in the match.
  if (point != proxy::HookPoint::kRequestHead) return proxy::HookAnswer::proceed();
  return decide(flow, /*body_known=*/false);
}

proxy::HookAnswer ServerReplayHook::decide(flow::Flow& flow, bool body_known) {
  Outcome outcome;
  outcome.client_address = flow.client_address;
  outcome.method = flow.request.method;
  outcome.url = flow.request.url;
  if (auto served = responses_->next_for(flow.request, body_known)) {
    flow.served_from = served->recorded_id;
    outcome.status = served->answer.status;
    outcome.recorded_id = std::move(served->recorded_id);
    outcome.occurrence = served->occurrence;
    outcome.recorded = served->recorded;
    report(outcome);
    return proxy::HookAnswer::answer(std::move(served->answer));
  }
  if (options_.passthrough) {
    outcome.kind = Outcome::Kind::kPassedThrough;
    report(outcome);
    return proxy::HookAnswer::proceed();
  }
  std::string hint;
  if (std::size_t near = responses_->with_other_bodies(flow.request); near > 0) {
    hint = "It has " + std::to_string(near) + (near == 1 ? " request" : " requests") +
           " with this method and URL and another body: pass --match ignore-body to ignore bodies.";
  }
  outcome.kind = Outcome::Kind::kUnmatched;
  outcome.status = 502;
  report(outcome);
  return proxy::HookAnswer::answer(unmatched_answer(flow.request, options_.recording_name, hint));
}

void ServerReplayHook::report(const Outcome& outcome) {
  {
    std::lock_guard lock(mutex_);
    tally_.add(outcome);
  }
  if (options_.on_outcome) options_.on_outcome(outcome);
}

Tally ServerReplayHook::tally() const {
  std::lock_guard lock(mutex_);
  return tally_;
}

}  // namespace flowscope::server_replay
