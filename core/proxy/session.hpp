#pragma once
// proxy::Session: the sans-io state machine of one client connection.
//
// The driver feeds it events (bytes, EOFs, connects, timers) and executes the
// commands it returns. It never touches a socket, so tests drive it byte by byte.
//
// Invariants:
//  * One exchange at a time. Pipelined requests wait, unparsed, in client_buf_
//    until the current response has been sent, so responses go out in order.
//  * Bodies stream: each parsed piece is forwarded at once. The only buffers are
//    client_buf_ (unparsed client bytes) and upstream_pending_ (bytes for an
//    upstream that is still connecting); wants_client_reads() turns false when
//    either passes kHighWater, which the driver honours by pausing reads.
//  * Inside an intercepted tunnel the same HTTP logic runs on plaintext: send()
//    encrypts through client_tls_/upstream_tls_, and received ciphertext is
//    decrypted before it reaches client_buf_ or the response parser.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/flow/flow.hpp"
#include "core/http/parser.hpp"
#include "core/http/target.hpp"
#include "core/proxy/clock.hpp"
#include "core/proxy/commands.hpp"
#include "core/proxy/config.hpp"
#include "core/proxy/connect_policy.hpp"
#include "core/proxy/events.hpp"
#include "core/proxy/hooks.hpp"
#include "core/proxy/http_stream.hpp"
#include "core/proxy/proxy_tls.hpp"
#include "core/proxy/interception.hpp"
#include "core/proxy/rewrite.hpp"
#include "core/tls/endpoint.hpp"

namespace flowscope::proxy {


struct SessionOptions {
  Hook* hook = nullptr;      // asked at every hook point; none: every exchange goes on
  bool live_events = false;  // emit LiveFlow commands (some sink asked for them)
  // A replay (replay_request.hpp): the flows it records carry this id as replay_of.
  std::string replay_of;
  // The replayed request goes to an https origin: after CONNECT the session gets
  // plaintext and originates TLS to the origin itself, with no client TLS.
  bool replay_https = false;
};

class Session {
 public:
  static constexpr std::size_t kHighWater = 256 * 1024;

  Session(const Config& config, ConnectPolicy& policy, const Interception* interception, Clock clock,
          std::uint64_t connection_id, std::string client_address, SessionOptions options = {});

  // Feed one event; take_commands() then returns what it asked for, in order.
  void handle(const Event& event);

  std::vector<Command> take_commands() { return std::move(commands_); }
  bool wants_client_reads() const;
  bool closed() const { return state_ == State::kClosed; }

 private:
  // Which of the session's two connections a step talks to; commands name the id.
  enum class Side { kClient, kUpstream };

  void on_start();
  void on_client_data(std::string_view data);
  void on_client_plaintext(std::string_view data);  // below ProxyTls, if any
  void on_client_eof();
  void on_client_error(std::string_view message);
  void on_upstream_connected(const UpstreamInfo& info);
  void on_upstream_failed(const UpstreamFailure& failure);
  void on_upstream_data(std::string_view data);
  void on_upstream_eof();
  void on_upstream_error(std::string_view message);
  void on_timer(TimerKind kind);
  void on_shutdown();
  void on_abort(std::string_view reason);

  enum class State {
    kAwaitHead,        // between requests
    kRequest,          // a request is being forwarded (head done, maybe body in flight)
    kConnecting,       // CONNECT: waiting for the upstream (or next proxy) connection
    kProxyHandshake,   // CONNECT via --upstream-proxy: waiting for its answer
    kSniffing,         // after the 200: is the client speaking TLS, HTTP or else?
    kOriginTls,        // ClientHello held while we handshake with the origin
    kClientTls,        // handshaking with the client, with a minted certificate
    kTunnel,           // blind relay
    kClosed,
  };

  // HTTP inside an intercepted CONNECT tunnel: every request goes to `target`.
  struct Inner {
    http::Authority target;
    std::string scheme;  // "https", or "http" for plain HTTP sent into the tunnel
    std::string server_address;
    flow::Tls tls;              // copied into each flow (https only)
    double dns_ms = -1;         // the tunnel's DNS, TCP connect and origin TLS
    double connect_ms = -1;     // handshake times, reported in its first flow
    double tls_ms = -1;
    std::string refusal;        // set when the origin's certificate failed: every request gets 502
  };

  struct Exchange {
    Exchange(StreamContext& context, std::string id, std::uint64_t connection_id, std::string client_address)
        : stream(context, std::move(id), connection_id, std::move(client_address)) {}
    flow::Flow& flow() { return stream.flow(); }

    HttpStream stream;  // the flow, its timings, hooks and live events
    http::RequestHead request;
    std::optional<http::AbsoluteUrl> url;
    std::optional<http::Authority> connect_target;
    OutFraming request_framing = OutFraming::kAsReceived;
    OutFraming response_framing = OutFraming::kAsReceived;
    bool request_complete = false;
    bool response_head_sent = false;
    bool upstream_reused = false;
    bool retried = false;
    bool close_client_after = false;
    std::optional<LocalResponse> local;  // a hook answered: the request is read, not forwarded
    std::string replay;  // the whole request as sent, while small: for one retry on a stale pooled connection
    std::uint64_t response_bytes = 0;
  };

  // HTTP exchange steps.
  void pump_client();
  bool handle_request_head();
  void start_forwarding(const http::AbsoluteUrl& url);
  void start_connect(const http::Authority& target);
  void forward_request_body(std::string_view piece);
  void send_body_piece(Side to, OutFraming framing, std::string_view piece);
  void finish_request(const http::Headers& trailers);
  void handle_response_output(const http::ParseOutput& out, std::string_view data);
  // False when a hook ended the exchange instead (answered locally or killed).
  bool send_response_head(http::ResponseHead head);
  void finish_response(const http::Headers& trailers, bool unsolicited_bytes);
  void upstream_gone(std::string_view reason);
  bool try_retry();
  void enter_tunnel(std::string_view upstream_leftover);

  // Interception steps (session_intercept.cpp).
  void after_connect_established();
  void sniff_client();
  void start_origin_tls(const std::string& sni);
  void on_origin_tls_progress();
  void on_client_tls_progress();
  void client_plaintext_ready();
  bool upstream_tls_progress();
  // After the origin's TLS took bytes or an EOF: the plaintext to handle, or nullopt
  // when the handshake (or its failure) consumed the event.
  std::optional<std::string> upstream_tls_step();
  void flush_tls(Side side);
  flow::Tls describe_origin_tls() const;
  std::string origin_host() const;

  // Tunnel steps.
  void tunnel_client_data(std::string_view data);
  void tunnel_upstream_data(std::string_view data);
  void tunnel_side_closed(Side side);
  void finish_tunnel(std::string_view error);

  // Answers the proxy generates itself.
  void answer_error(int status, std::string_view message, const http::Headers& extra = {});
  void record_flow(std::string error = {});
  void answer_locally(const LocalResponse& answer);
  void new_exchange();
  bool forward_unless_hooked(http::AbsoluteUrl url);
  void kill(std::string_view reason);
  void close_all();
  void release_upstream(bool reusable);
  void flush_upstream_pending();
  void client_input(std::string_view plaintext);
  void client_closed();
  void upstream_input(std::string_view plaintext);
  void upstream_closed();
  void after_exchange();
  bool check_auth(const http::RequestHead& head);

  void send(Side to, std::string bytes);
  void emit_bytes(Side to, std::string bytes);
  void open_upstream(std::string host, std::uint16_t port, bool allow_pooled);
  ConnectionId connection_of(Side side) const;
  void emit(Command command) { commands_.push_back(std::move(command)); }
  std::int64_t now() const { return clock_.monotonic_us(); }

  const Config& config_;
  ConnectPolicy& policy_;
  const Interception* interception_;
  Clock clock_;
  std::uint64_t connection_id_;
  std::string client_address_;
  std::string client_ip_;  // client_address_ without the port: passthrough is per client
  std::string replay_of_;
  bool replay_https_ = false;
  std::uint64_t flow_seq_ = 0;

  State state_ = State::kAwaitHead;
  http::Parser request_parser_;
  std::unique_ptr<http::Parser> response_parser_;
  std::string client_buf_;
  std::string upstream_pending_;
  ConnectionId last_connection_id_ = kClientConnection;
  ConnectionId upstream_id_ = 0;     // the upstream connection in use; 0 for none
  bool upstream_open_ = false;       // an OpenConnection is outstanding or connected
  bool upstream_connected_ = false;
  bool client_eof_ = false;
  bool upstream_eof_ = false;
  bool draining_ = false;
  bool header_timer_running_ = false;
  std::optional<Exchange> exchange_;
  std::optional<Inner> inner_;
  bool client_spoke_ = false;            // the first client bytes decide about ProxyTls
  std::optional<ProxyTls> proxy_tls_;   // the client speaks TLS to the proxy itself
  std::optional<tls::Endpoint> client_tls_;
  std::optional<tls::Endpoint> upstream_tls_;
  std::shared_ptr<const void> leaf_owner_;  // keeps the minted certificate alive
  std::string sni_;          // as the client sent it
  std::string server_name_;  // the SNI when it is a usable name, else the CONNECT host
  std::int64_t origin_tls_started_us_ = 0;
  bool upstream_kept_ = false;  // the upstream connection served an earlier exchange

  std::vector<Command> commands_;
  StreamContext streams_;  // after commands_ and clock_, which it refers to
};

}  // namespace flowscope::proxy
