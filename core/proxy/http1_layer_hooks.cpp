// Http1Layer: what it does with each hook answer (hooks.hpp). The default answer,
// continue, keeps the streaming path of http1_layer.cpp. Hold and pause keep a
// message back:
//  * a held request sends nothing upstream (not even its head) until its end hook
//    has answered; a held response sends nothing to the client until its end hook;
//  * a paused exchange parses no more input, and neither side is read; what was
//    already parsed is held, and what was already read waits in client_buf_ or
//    upstream_buf_, to be handled in order once the hook answers (or its timer fires).
#include <limits>
#include <utility>

#include "core/http/serializer.hpp"
#include "core/proxy/http1_layer.hpp"

namespace flowscope::proxy {

namespace {

std::size_t hold_limit(const Config& config) {
  return config.body_limit != 0 ? config.body_limit : std::numeric_limits<std::size_t>::max();
}

// The held body a hook replaced: what the flow now shows is what is sent.
void normalise_edited_body(flow::Body& body) {
  body.size = body.data.size();
  body.truncated = false;
}

bool bodyless_response(const http::RequestHead& request, int status) {
  return request.method == "HEAD" || status / 100 == 1 || status == 204 || status == 304;
}

}  // namespace

// --------------------------------------------------------------------- request

bool Http1Layer::on_request_head_answer(HookAnswer answer, http::AbsoluteUrl url) {
  Exchange& ex = *exchange_;
  switch (answer.kind) {
    case HookAnswer::Kind::kContinue:
      break;
    case HookAnswer::Kind::kModified:
      if (!adopt_changed_request(url)) return false;
      break;
    case HookAnswer::Kind::kAnswer:
      ex.request_held = false;
      ex.held_body.clear();
      ex.local = std::move(answer.response);
      // Answered once the request has been read (at once if it already was).
      if (ex.request_complete) answer_locally(*ex.local);
      return true;
    case HookAnswer::Kind::kKill:
      kill(answer.reason);
      return false;
    case HookAnswer::Kind::kPause:
    case HookAnswer::Kind::kHold:
      ex.request_held = true;
      ex.held_url = std::move(url);
      if (answer.kind == HookAnswer::Kind::kPause) {
        pause_at(HookPoint::kRequestHead);
      } else if (ex.request_complete) {
        on_held_request_end(ex.stream.request_end());  // it ended while paused
      }
      return true;
  }
  release_held_request(url);  // what arrived while the head was paused goes after it
  // held_end is the response's from here on.
  std::optional<http::Headers> trailers = std::exchange(ex.held_end, std::nullopt);
  if (ex.request_complete) end_forwarded_request(trailers.value_or(http::Headers{}));
  return true;
}

bool Http1Layer::adopt_changed_request(http::AbsoluteUrl& url) {
  Exchange& ex = *exchange_;
  const flow::Request& changed = ex.flow().request;
  auto parsed = http::parse_absolute_url(changed.url);
  if (!parsed) {
    answer_error(500, "a hook changed the URL to one that does not parse: " + parsed.error().message);
    return false;
  }
  if (std::string refusal = route_->refuse_changed_url(*parsed, changed.url); !refusal.empty()) {
    answer_error(502, refusal);
    return false;
  }
  url = std::move(*parsed);
  ex.request.method = changed.method;
  ex.request.headers = changed.headers;
  ex.request.target = url.path_and_query;
  return true;
}

void Http1Layer::hold_request_piece(std::string_view piece) {
  Exchange& ex = *exchange_;
  ex.held_body.append(piece);
  if (!ex.paused_at && ex.held_body.size() > hold_limit(ctx_.config)) release_held_request(*ex.held_url);
}

void Http1Layer::release_held_request(const http::AbsoluteUrl& url) {
  Exchange& ex = *exchange_;
  ex.request_held = false;
  start_forwarding(url);
  if (!ex.held_body.empty()) send_body_piece(false, std::exchange(ex.held_body, {}));
}

// The whole request has been read and nothing of it sent: the end hook decides.
void Http1Layer::on_held_request_end(HookAnswer answer) {
  Exchange& ex = *exchange_;
  http::AbsoluteUrl url = *ex.held_url;
  switch (answer.kind) {
    case HookAnswer::Kind::kPause:
      pause_at(HookPoint::kRequestEnd);
      return;
    case HookAnswer::Kind::kKill:
      kill(answer.reason);
      return;
    case HookAnswer::Kind::kAnswer:
      ex.request_held = false;
      ex.local = std::move(answer.response);
      answer_locally(*ex.local);
      return;
    case HookAnswer::Kind::kModified: {
      if (!adopt_changed_request(url)) return;
      // The body is the flow's now, sent with its own length.
      flow::Body& body = ex.flow().request.body;
      normalise_edited_body(body);
      ex.held_body = body.data;
      ex.request.headers.remove("Transfer-Encoding");
      ex.request.headers.remove("Content-Length");
      const bool has_body = !body.data.empty() || ex.request.framing != http::BodyFraming::kNone;
      ex.request.framing = has_body ? http::BodyFraming::kContentLength : http::BodyFraming::kNone;
      ex.request.content_length = body.data.size();
      ex.held_end = http::Headers{};
      break;
    }
    case HookAnswer::Kind::kContinue:
    case HookAnswer::Kind::kHold:
      break;
  }
  release_held_request(url);
  // held_end is the response's from here on.
  std::optional<http::Headers> trailers = std::exchange(ex.held_end, std::nullopt);
  send_body_end(false, trailers.value_or(http::Headers{}));
  start_response_timer();
}

// -------------------------------------------------------------------- response

bool Http1Layer::on_response_head_answer(HookAnswer answer, http::ResponseHead head) {
  Exchange& ex = *exchange_;
  // A 101 has no body to hold: holding it only waits for the relay.
  if (head.status == 101 && answer.kind == HookAnswer::Kind::kHold) answer = HookAnswer::proceed();
  switch (answer.kind) {
    case HookAnswer::Kind::kContinue:
      break;
    case HookAnswer::Kind::kModified:
      head.status = ex.flow().response->status;
      head.reason = ex.flow().response->reason;
      head.headers = ex.flow().response->headers;
      break;
    case HookAnswer::Kind::kAnswer:
      // The origin's answer is replaced: its body is never read.
      ctx_.release_upstream(false);
      answer_locally(answer.response);
      return false;
    case HookAnswer::Kind::kKill:
      kill(answer.reason);
      return false;
    case HookAnswer::Kind::kPause:
    case HookAnswer::Kind::kHold:
      ex.response_held = true;
      ex.held_response = std::move(head);
      if (answer.kind == HookAnswer::Kind::kPause) {
        pause_at(HookPoint::kResponseHead);
      } else if (ex.held_end) {
        on_held_response_end(ex.stream.response_end());  // it ended while paused
      }
      return true;
  }
  release_held_response(std::move(head));  // what arrived while the head was paused goes after it
  if (ex.held_upgrade) {
    hand_over_to_relay(std::exchange(upstream_buf_, {}));
    return false;
  }
  if (ex.held_end) {
    finish_response(*ex.held_end, ex.held_unsolicited);
    return false;
  }
  return true;
}

void Http1Layer::hold_response_piece(std::string_view piece) {
  Exchange& ex = *exchange_;
  ex.held_body.append(piece);
  if (!ex.paused_at && ex.held_body.size() > hold_limit(ctx_.config)) {
    release_held_response(*std::exchange(ex.held_response, std::nullopt));
  }
}

void Http1Layer::release_held_response(http::ResponseHead head) {
  Exchange& ex = *exchange_;
  ex.response_held = false;
  emit_response_head(std::move(head));
  if (!ex.held_body.empty()) send_body_piece(true, std::exchange(ex.held_body, {}));
}

// The whole response has been read and nothing of it sent: the end hook decides.
void Http1Layer::on_held_response_end(HookAnswer answer) {
  Exchange& ex = *exchange_;
  http::ResponseHead head = *ex.held_response;
  switch (answer.kind) {
    case HookAnswer::Kind::kPause:
      pause_at(HookPoint::kResponseEnd);
      return;
    case HookAnswer::Kind::kKill:
      kill(answer.reason);
      return;
    case HookAnswer::Kind::kAnswer:
      ctx_.release_upstream(false);
      answer_locally(answer.response);
      return;
    case HookAnswer::Kind::kModified: {
      const flow::Response& changed = *ex.flow().response;
      head.status = changed.status;
      head.reason = changed.reason;
      head.headers = changed.headers;
      if (bodyless_response(ex.request, head.status)) {
        head.framing = http::BodyFraming::kNone;
        ex.held_body.clear();
        break;
      }
      flow::Body& body = ex.flow().response->body;
      normalise_edited_body(body);
      ex.held_body = body.data;
      head.framing = http::BodyFraming::kContentLength;
      head.content_length = body.data.size();
      ex.held_end = http::Headers{};
      break;
    }
    case HookAnswer::Kind::kContinue:
    case HookAnswer::Kind::kHold:
      break;
  }
  release_held_response(std::move(head));
  send_body_end(true, ex.held_end.value_or(http::Headers{}));
  complete_exchange(ex.held_unsolicited);
}

// ---------------------------------------------------------------------- pauses

void Http1Layer::pause_at(HookPoint point) {
  exchange_->paused_at = point;
  ctx_.emit(StartTimer{TimerKind::kHook, ctx_.config.breakpoint_timeout_ms});
}

void Http1Layer::hook_resumed(const HookResumed& resumed) {
  if (!paused() || resumed.pause_id == 0 || exchange_->stream.pause_id() != resumed.pause_id) return;
  Exchange& ex = *exchange_;
  const HookPoint point = *ex.paused_at;
  ex.paused_at.reset();
  ex.stream.end_pause();
  ctx_.emit(StopTimer{TimerKind::kHook});

  HookAnswer answer = resumed.answer;
  if (answer.kind == HookAnswer::Kind::kPause) answer = HookAnswer::proceed();
  const bool held_whole = (point == HookPoint::kRequestEnd && ex.request_held) ||
                          (point == HookPoint::kResponseEnd && ex.response_held);
  if (answer.kind == HookAnswer::Kind::kModified && resumed.edited) {
    ex.stream.apply_edit(point, *resumed.edited, held_whole);
  }

  bool going_on = true;
  switch (point) {
    case HookPoint::kRequestHead:
      going_on = on_request_head_answer(std::move(answer), *ex.held_url);
      break;
    case HookPoint::kRequestEnd:
      if (ex.request_held) {
        on_held_request_end(std::move(answer));
      } else if (answer.kind == HookAnswer::Kind::kKill) {
        kill(answer.reason);
        going_on = false;
      } else {
        start_response_timer();  // the request went out as it came: nothing to change
      }
      break;
    case HookPoint::kResponseHead:
      going_on = on_response_head_answer(std::move(answer), *ex.held_response);
      break;
    case HookPoint::kResponseEnd:
      if (ex.response_held) {
        on_held_response_end(std::move(answer));
      } else if (answer.kind == HookAnswer::Kind::kKill) {
        kill(answer.reason);
      } else {
        complete_exchange(ex.held_unsolicited);  // already sent as it came
      }
      going_on = false;
      break;
  }
  if (going_on) replay_upstream_backlog();
  if (!ctx_.closed && state_ != State::kHandedOver) pump_client();
}

void Http1Layer::replay_upstream_backlog() {
  if (!exchange_ || paused() || ctx_.closed || state_ != State::kRequest) return;
  if (!upstream_buf_.empty() && origin_side_.expecting_response()) {
    std::string backlog = std::exchange(upstream_buf_, {});
    handle_response_input(std::nullopt, backlog);
  }
  if (!upstream_end_ || !exchange_ || paused() || ctx_.closed || state_ != State::kRequest) return;
  std::string end = *std::exchange(upstream_end_, std::nullopt);
  if (end.empty()) {
    upstream_eof();
  } else {
    upstream_error(end);
  }
}

}  // namespace flowscope::proxy
