#pragma once
// proxy::Http1Layer: HTTP/1 on plaintext, one exchange at a time. Its two codecs
// (http::Http1ServerCodec toward the client, http::Http1ClientCodec toward the
// origin) turn bytes into version-neutral stream events and frame what is sent; the
// layer asks its Route where each request goes, forwards it and forwards the
// response back, driving one HttpStream per exchange. The same code serves a client talking to the proxy (ProxyFront) and
// the requests inside an intercepted tunnel (TunnelRoute); it never sees TLS.
//
// Invariants:
//  * One exchange at a time. Pipelined requests wait, unparsed, in client_buf_
//    until the current response has been sent, so responses go out in order.
//  * Bodies stream: each parsed piece is forwarded at once. The only buffers are
//    client_buf_ (unparsed client bytes) and the upstream's pending bytes (while
//    it connects); wants_client_reads() turns false when either passes kHighWater.
//    A hook may hold a message whole or pause it (http1_layer_hooks.cpp): a held
//    body is kept up to Config::body_limit, and while paused neither side is read
//    (upstream_buf_ keeps what was already in flight).
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/http/http1_client_codec.hpp"
#include "core/http/http1_server_codec.hpp"
#include "core/proxy/connection_context.hpp"
#include "core/proxy/exchange.hpp"
#include "core/proxy/layer.hpp"
#include "core/proxy/route.hpp"

namespace flowscope::proxy {

class Http1Layer : public Layer {
 public:
  static constexpr std::size_t kHighWater = 256 * 1024;

  // `early` is plaintext the client already sent (after a CONNECT or a handshake).
  Http1Layer(ConnectionContext& ctx, std::unique_ptr<Route> route, std::string early = {});

  void start() override;
  void client_data(std::string_view plaintext) override;
  void client_tls_failed(bool tls_to_proxy, const std::string& error) override;
  void client_eof() override;
  void client_error(std::string_view message) override;
  void upstream_connected(const UpstreamInfo& info) override;
  void upstream_failed(const UpstreamFailure& failure) override;
  void upstream_data(std::string_view plaintext) override;
  void upstream_tls_failed(const std::string& error) override;
  void upstream_eof() override;
  void upstream_error(std::string_view message) override;
  void timer(TimerKind kind) override;
  void shutdown() override;
  void abort(std::string_view reason) override;
  void hook_resumed(const HookResumed& resumed) override;
  bool wants_client_reads() const override;
  bool wants_upstream_reads() const override { return !paused(); }
  bool idle() const override { return state_ == State::kAwaitHead; }

 private:
  enum class State {
    kAwaitHead,  // between requests
    kRequest,    // a request is being forwarded (head done, maybe body in flight)
    kHandedOver, // a CONNECT or an upgrade: the next layer has the connection
  };

  void pump_client();
  bool handle_request_head(http::RequestHead head);
  void start_forwarding(const http::AbsoluteUrl& url);
  void forward_request_body(std::string_view piece);
  // A body piece, or a body's end, framed by the codec of that side.
  void send_body_piece(bool to_client, std::string_view piece);
  void send_body_end(bool to_client, const http::Headers& trailers);
  void finish_request(const http::Headers& trailers);
  // The forwarded request ended: its last chunk, then the request-end hook.
  void end_forwarded_request(const http::Headers& trailers);
  void start_response_timer();
  // Feeds `data` to the origin's codec, or (at_eof) handles what its finish() gave.
  void handle_response_input(std::optional<http::CodecInput> at_eof, std::string_view data);
  void forward_response_body(std::string_view piece);
  // Sends the client the final response head, re-framed for it.
  void emit_response_head(http::ResponseHead head);
  void finish_response(const http::Headers& trailers, bool unsolicited_bytes);
  // The response is over and its hooks have answered: the connections' next step.
  void complete_exchange(bool unsolicited_bytes);
  void after_exchange();

  // Hook answers (http1_layer_hooks.cpp). Each returns false when the answer ended
  // the exchange (answered locally, refused or killed).
  bool on_request_head_answer(HookAnswer answer, http::AbsoluteUrl url);
  // A kModified request head: the flow's method, URL and headers become the request.
  bool adopt_changed_request(http::AbsoluteUrl& url);
  void on_held_request_end(HookAnswer answer);
  bool on_response_head_answer(HookAnswer answer, http::ResponseHead head);
  void on_held_response_end(HookAnswer answer);
  void hold_request_piece(std::string_view piece);
  void hold_response_piece(std::string_view piece);
  // Sends the held message's head (the request to `url`) and body so far; the rest of
  // the message streams.
  void release_held_request(const http::AbsoluteUrl& url);
  void release_held_response(http::ResponseHead head);
  void pause_at(HookPoint point);
  bool paused() const { return exchange_ && exchange_->paused_at.has_value(); }
  // After a resume: the origin's bytes and end that arrived while paused.
  void replay_upstream_backlog();
  bool try_retry();
  void upstream_gone(std::string_view reason);
  // A new upstream connection inside a tunnel finished its TLS handshake.
  void origin_tls_ready();
  void hand_over_to_tunnel();
  void hand_over_to_relay(std::string_view upstream_leftover);

  void answer_error(int status, std::string_view message, const http::Headers& extra = {});
  void answer_locally(const LocalResponse& answer);
  void kill(std::string_view reason);
  void record_flow(std::string error = {});
  void send_upstream(std::string bytes);

  ConnectionContext& ctx_;
  std::unique_ptr<Route> route_;
  std::string early_;
  State state_ = State::kAwaitHead;
  http::Http1ServerCodec client_side_;  // the codec toward the client: its requests, our responses
  http::Http1ClientCodec origin_side_;  // the codec toward the origin: our requests, its responses
  std::string client_buf_;
  std::optional<Exchange> exchange_;
  std::string upstream_buf_;  // the origin's bytes that arrived while paused, unparsed
  // The origin's connection ended while paused: nullopt none, "" EOF, else the error.
  std::optional<std::string> upstream_end_;
};

}  // namespace flowscope::proxy
