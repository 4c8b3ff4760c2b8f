#pragma once
// proxy::Relay: bytes relayed as they are, in both directions, and counted into the
// flow's tunnel record: a blind CONNECT tunnel, a server-first protocol, or an
// upgraded connection after a 101. It relays plaintext: with TLS on either side
// (an upgrade inside an intercepted tunnel, the client's TLS to the proxy) the
// Pipes below decrypt and re-encrypt, so the origin gets what the client meant.
// RFC 9110 §9.3.6: a side's EOF becomes a half-close toward its peer, and the flow
// is recorded when both directions are done.
#include <string>
#include <string_view>

#include "core/proxy/connection_context.hpp"
#include "core/proxy/exchange.hpp"
#include "core/proxy/layer.hpp"

namespace flowscope::proxy {

class Relay : public Layer {
 public:
  // `from_upstream` and `from_client` are bytes that arrived before the relay began.
  Relay(ConnectionContext& ctx, Exchange exchange, std::string from_upstream, std::string from_client);

  void start() override;
  void client_data(std::string_view plaintext) override;
  void client_tls_failed(bool tls_to_proxy, const std::string& error) override;
  void client_eof() override { side_closed(true); }
  void client_error(std::string_view message) override;
  void upstream_connected(const UpstreamInfo&) override {}
  void upstream_failed(const UpstreamFailure&) override {}
  void upstream_data(std::string_view plaintext) override;
  void upstream_tls_failed(const std::string& error) override;
  void upstream_eof() override;
  void upstream_error(std::string_view message) override;
  void timer(TimerKind) override {}
  void shutdown() override { ctx_.draining = true; }
  void abort(std::string_view reason) override { finish(reason); }

 protected:
  // Once, just before the flow is recorded: a layer that reads the relayed bytes
  // completes its part of the flow (`error` is why the relay ended, empty if cleanly).
  virtual void before_finish(std::string_view /*error*/) {}
  bool finished() const { return finished_; }

  ConnectionContext& ctx_;
  Exchange exchange_;

 private:
  void side_closed(bool client);
  void finish(std::string_view error);

  std::string from_upstream_;
  std::string from_client_;
  bool finished_ = false;
};

}  // namespace flowscope::proxy
