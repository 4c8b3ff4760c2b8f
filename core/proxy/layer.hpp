#pragma once
// proxy::Layer: the top of a connection's layer stack, the part that decides what
// the plaintext means. Session (the connection) decrypts through its Pipes and
// hands each event to the current layer; a layer hands over to the next one with
// ConnectionContext::switch_to (HTTP → tunnel setup after a CONNECT, tunnel setup
// → HTTP or relay, HTTP → relay after a 101).
#include <string>
#include <string_view>

#include "core/proxy/events.hpp"

namespace flowscope::proxy {

class Layer {
 public:
  virtual ~Layer() = default;

  // The layer became the top of the stack (after switch_to); leftovers it was
  // given are handled here, not in its constructor.
  virtual void start() {}

  virtual void client_data(std::string_view plaintext) = 0;
  // The client's TLS failed: its TLS to the proxy itself (the error says so), or
  // the TLS of an intercepted tunnel.
  virtual void client_tls_failed(bool tls_to_proxy, const std::string& error) = 0;
  virtual void client_eof() = 0;
  virtual void client_error(std::string_view message) = 0;

  virtual void upstream_connected(const UpstreamInfo& info) = 0;
  virtual void upstream_failed(const UpstreamFailure& failure) = 0;
  // Plaintext from the upstream connection. With TLS on it this is called after
  // every read, even with no plaintext, so a layer can follow the handshake.
  virtual void upstream_data(std::string_view plaintext) = 0;
  virtual void upstream_tls_failed(const std::string& error) = 0;
  virtual void upstream_eof() = 0;
  virtual void upstream_error(std::string_view message) = 0;

  virtual void timer(TimerKind kind) = 0;
  virtual void shutdown() = 0;
  virtual void abort(std::string_view reason) = 0;

  // A paused hook was answered; one whose exchange is gone (or another's) is ignored.
  virtual void hook_resumed(const HookResumed&) {}

  virtual bool wants_client_reads() const { return true; }
  // False while a hook has paused the exchange: the origin's bytes wait in its socket.
  virtual bool wants_upstream_reads() const { return true; }
  // Between requests, with nothing in flight: the idle timer applies.
  virtual bool idle() const { return false; }
};

}  // namespace flowscope::proxy
