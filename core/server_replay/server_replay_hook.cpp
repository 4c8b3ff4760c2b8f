#include "core/server_replay/server_replay_hook.hpp"

#include <charconv>
#include <optional>

#include "core/server_replay/recorded_answer.hpp"

namespace flowscope::server_replay {

namespace {

// The Content-Length a request head declares; nullopt for none (or a bad one, which the
// parser has refused already).
std::optional<std::uint64_t> content_length(const flow::Request& request) {
  const std::string* value = request.headers.find("Content-Length");
  if (value == nullptr) return std::nullopt;
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), n);
  if (ec != std::errc() || end != value->data() + value->size()) return std::nullopt;
  return n;
}

}  // namespace

bool ServerReplayHook::holds_for_body(const flow::Request& request) const {
  if (responses_->rules().ignore_body) return false;
  if (auto length = content_length(request)) {
    // Over the limit the hold would be let go before the end: decide at the head.
    return *length > 0 && (options_.body_limit == 0 || *length <= options_.body_limit);
  }
  return request.headers.find("Transfer-Encoding") != nullptr;
}

proxy::HookAnswer ServerReplayHook::on_hook(proxy::HookPoint point, flow::Flow& flow) {
  switch (point) {
    case proxy::HookPoint::kRequestHead: {
      if (holds_for_body(flow.request)) return proxy::HookAnswer::hold();
      // No body (so it is known: empty), or one too long to hold (it takes no part).
      const std::optional<std::uint64_t> length = content_length(flow.request);
      return decide(flow, /*body_known=*/!length || *length == 0);
    }
    case proxy::HookPoint::kRequestEnd:
      if (!holds_for_body(flow.request)) return proxy::HookAnswer::proceed();  // decided at its head
      if (flow.request.body.truncated) {
        // A chunked body past the limit: the layer let the hold go, the origin has it.
        Outcome outcome{Outcome::Kind::kTooLongToMatch, flow.client_address, flow.request.method,
                        flow.request.url, 0, {}, 0, 0};
        report(outcome);
        return proxy::HookAnswer::proceed();
      }
      return decide(flow, /*body_known=*/true);
    case proxy::HookPoint::kResponseHead:
    case proxy::HookPoint::kResponseEnd:
      break;
  }
  return proxy::HookAnswer::proceed();
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
