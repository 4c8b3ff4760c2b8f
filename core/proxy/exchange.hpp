#pragma once
// proxy::Exchange: one HTTP request and its response as the HTTP/1 layer carries it:
// the HttpStream (the flow) and the framing decisions of both hops. A CONNECT hands
// its exchange to the tunnel layers, and an upgrade to the relay, so one flow
// follows the exchange through every layer it passes.
#include <cstdint>
#include <optional>
#include <string>

#include "core/http/parser.hpp"
#include "core/http/target.hpp"
#include "core/proxy/hooks.hpp"
#include "core/proxy/http_stream.hpp"

namespace flowscope::proxy {

struct Exchange {
  Exchange(StreamContext& context, std::string id, std::uint64_t connection_id, std::string client_address)
      : stream(context, std::move(id), connection_id, std::move(client_address)) {}
  flow::Flow& flow() { return stream.flow(); }
  const flow::Flow& flow() const { return stream.flow(); }

  HttpStream stream;  // the flow, its timings, hooks and live events
  http::RequestHead request;
  std::optional<http::AbsoluteUrl> url;
  std::optional<http::Authority> connect_target;
  bool request_complete = false;
  bool response_head_sent = false;
  bool upstream_reused = false;
  bool retried = false;
  bool close_client_after = false;
  std::optional<LocalResponse> local;  // a hook answered: the request is read, not forwarded
  std::string replay;  // the whole request as sent, while small: for one retry on a stale pooled connection
  std::uint64_t response_bytes = 0;

  // Hook answers that wait (hooks.hpp, http1_layer_hooks.cpp). A held message is read
  // whole before any of it is sent on; a paused one is held until its hook answers.
  std::optional<HookPoint> paused_at;
  bool request_held = false;   // nothing of the request has gone upstream yet
  bool response_held = false;  // nothing of the response has gone to the client yet
  std::optional<http::AbsoluteUrl> held_url;         // where a held request goes
  std::optional<http::ResponseHead> held_response;   // a held response's head
  std::string held_body;                             // the held message's body so far
  std::optional<http::Headers> held_end;             // it ended, with these trailers
  bool held_upgrade = false;        // the held response is a 101: the relay follows
  bool held_unsolicited = false;    // bytes followed the held response
};

}  // namespace flowscope::proxy
