#pragma once
// A playbook for proxy::Session: feed events, collect the commands, and read back
// what was sent to each side. No sockets, no clock but a fake one.
#include <string>
#include <utility>
#include <vector>

#include "core/proxy/session.hpp"

namespace flowscope::proxy::testing {

class SessionHarness {
 public:
  explicit SessionHarness(Config config = {}, const Interception* interception = nullptr,
                          ConnectPolicy* policy = nullptr)
      : config_(std::move(config)),
        interception_(interception),
        policy_(policy ? policy : &blind_),
        session_(make_session()) {
    session_.on_start();
    collect();
  }

  Session& session() { return session_; }
  void advance_ms(std::int64_t ms) { now_us_ += ms * 1000; }

  // Events; each one collects the commands it produced.
  void client(std::string_view bytes) { session_.on_client_data(bytes), collect(); }
  void client_eof() { session_.on_client_eof(), collect(); }
  void upstream(std::string_view bytes) { session_.on_upstream_data(bytes), collect(); }
  void upstream_eof() { session_.on_upstream_eof(), collect(); }
  void upstream_error(std::string_view m) { session_.on_upstream_error(m), collect(); }
  void connected(bool reused = false) {
    UpstreamInfo info;
    info.server_address = "127.0.0.1:9";
    info.reused = reused;
    info.dns_ms = 0.5;
    info.connect_ms = 0.25;
    session_.on_upstream_connected(info);
    collect();
  }
  void failed(UpstreamFailureKind kind, std::string message) {
    session_.on_upstream_failed(UpstreamFailure{kind, std::move(message)});
    collect();
  }
  void timer(TimerKind kind) { session_.on_timer(kind), collect(); }
  void shutdown() { session_.on_shutdown(), collect(); }

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
  bool closed() const { return count<CloseConnection>() > 0; }

 private:
  Session make_session() {
    Clock clock{[this] { return now_us_; }, [] { return std::int64_t{1'700'000'000'000'000}; }};
    return Session(config_, *policy_, interception_, clock, 7, "127.0.0.1:50000");
  }

  void collect() {
    for (auto& c : session_.take_commands()) {
      if (auto* send = std::get_if<SendBytes>(&c)) {
        (send->to == Side::kClient ? to_client_ : to_upstream_).append(send->bytes);
      }
      log_.push_back(std::move(c));
    }
  }

  Config config_;
  const Interception* interception_;
  BlindTunnelPolicy blind_;
  ConnectPolicy* policy_;
  std::int64_t now_us_ = 1'000'000;
  Session session_;
  std::vector<Command> log_;
  std::string to_client_;
  std::string to_upstream_;
};

// Cuts `input` at every boundary: {whole}, {byte by byte}, and every 2-piece split.
std::vector<std::vector<std::string>> every_split(const std::string& input);

}  // namespace flowscope::proxy::testing
