#pragma once
// A playbook for proxy::Session: feed events, collect the commands, and read back
// what was sent to each side. No sockets, no clock but a fake one.
#include <string>
#include <utility>
#include <vector>

#include "core/proxy/session.hpp"

namespace flowscope::proxy::testing {

// One line for a command (see SessionHarness::take_playbook).
std::string describe(const Command& command);

class SessionHarness {
 public:
  explicit SessionHarness(Config config = {}, const Interception* interception = nullptr,
                          ConnectPolicy* policy = nullptr, std::string client_address = "127.0.0.1:50000",
                          Hook* hook = nullptr, bool live_events = false)
      : SessionHarness(std::move(config), interception, policy, std::move(client_address),
                       options_with(hook, live_events)) {}
  // With every session option (e.g. the local address the driver would pass).
  SessionHarness(Config config, const Interception* interception, ConnectPolicy* policy, std::string client_address,
                 SessionOptions options)
      : config_(std::move(config)),
        interception_(interception),
        policy_(policy ? policy : &blind_),
        client_address_(std::move(client_address)),
        options_(std::move(options)),
        session_(make_session()) {
    feed(Started{});
  }

  Session& session() { return session_; }
  void advance_ms(std::int64_t ms) { now_us_ += ms * 1000; }

  // Events; each one collects the commands it produced. Upstream events go to the
  // upstream connection opened last.
  void feed(const Event& event) { session_.handle(event), collect(); }
  void client(std::string_view bytes) { feed(DataReceived{kClientConnection, bytes}); }
  void client_eof() { feed(EofReceived{kClientConnection}); }
  void upstream(std::string_view bytes) { feed(DataReceived{upstream_id_, bytes}); }
  void upstream_eof() { feed(EofReceived{upstream_id_}); }
  void upstream_error(std::string_view m) { feed(ConnectionError{upstream_id_, std::string(m)}); }
  void connected(bool reused = false) {
    UpstreamInfo info;
    info.server_address = "127.0.0.1:9";
    info.reused = reused;
    info.dns_ms = 0.5;
    info.connect_ms = 0.25;
    feed(Connected{upstream_id_, info});
  }
  void failed(UpstreamFailureKind kind, std::string message) {
    feed(ConnectFailed{upstream_id_, UpstreamFailure{kind, std::move(message)}});
  }
  void timer(TimerKind kind) { feed(TimerFired{kind}); }
  void shutdown() { feed(ShutdownRequested{}); }
  ConnectionId upstream_id() const { return upstream_id_; }

  // The commands since the last take, one line each, as a playbook states them:
  // "send 0 HTTP/1.1 200 OK\r\n…", "open 1 origin.test:80 pooled", "close 1 reusable",
  // "shutdown 0", "timer+ idle 300000", "timer- header", "flow 7-1 GET http://… 200".
  std::vector<std::string> take_playbook() { return std::exchange(playbook_, {}); }

  // What was sent, concatenated, since the last take.
  std::string take_client_bytes() { return std::exchange(to_client_, {}); }
  std::string take_upstream_bytes() { return std::exchange(to_upstream_, {}); }

  template <class T>
  std::vector<T> all() const {
    std::vector<T> out;
    for (const auto& c : log_)
      if (auto* t = std::get_if<T>(&c)) out.push_back(*t);
    return out;
  }
  template <class T>
  std::size_t count() const { return all<T>().size(); }
  std::vector<flow::Flow> flows() const {
    std::vector<flow::Flow> out;
    for (auto& r : all<RecordFlow>()) out.push_back(r.flow);
    return out;
  }
  // The session ended: it closed the client connection.
  bool closed() const {
    for (const auto& c : all<CloseConnection>())
      if (c.connection == kClientConnection) return true;
    return false;
  }
  // Upstream connections released, in order (not the client's final close).
  std::vector<CloseConnection> releases() const {
    std::vector<CloseConnection> out;
    for (const auto& c : all<CloseConnection>())
      if (c.connection != kClientConnection) out.push_back(c);
    return out;
  }

 private:
  static SessionOptions options_with(Hook* hook, bool live_events) {
    SessionOptions options;
    options.hook = hook;
    options.live_events = live_events;
    return options;
  }

  Session make_session() {
    Clock clock{[this] { return now_us_; }, [] { return std::int64_t{1'700'000'000'000'000}; }};
    return Session(config_, *policy_, interception_, clock, 7, client_address_, options_);
  }

  void collect() {
    for (auto& c : session_.take_commands()) {
      if (auto* send = std::get_if<SendBytes>(&c)) {
        (send->connection == kClientConnection ? to_client_ : to_upstream_).append(send->bytes);
      }
      if (auto* open = std::get_if<OpenConnection>(&c)) upstream_id_ = open->connection;
      playbook_.push_back(describe(c));
      log_.push_back(std::move(c));
    }
  }

  Config config_;
  const Interception* interception_;
  BlindTunnelPolicy blind_;
  ConnectPolicy* policy_;
  std::string client_address_;
  SessionOptions options_;
  std::int64_t now_us_ = 1'000'000;
  Session session_;
  std::vector<Command> log_;
  std::vector<std::string> playbook_;
  ConnectionId upstream_id_ = 0;
  std::string to_client_;
  std::string to_upstream_;
};

// Cuts `input` at every boundary: {whole}, {byte by byte}, and every 2-piece split.
std::vector<std::vector<std::string>> every_split(const std::string& input);

}  // namespace flowscope::proxy::testing
