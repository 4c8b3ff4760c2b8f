#pragma once
// proxy::Pipe: the byte path of one connection. The socket is below; zero or more
// TLS endpoints are stacked on it (the client's TLS to the proxy itself, then the
// TLS of an intercepted tunnel inside it); the layer above sees only plaintext.
//
// send() encrypts through every endpoint, innermost first, and emits one SendBytes
// for the socket. receive() decrypts through every endpoint, outermost first; the
// handshake output an endpoint produces on the way is sent down at once. So the
// HTTP, relay and WebSocket layers never see TLS, and the TLS code never parses
// what it carries.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/proxy/commands.hpp"
#include "core/tls/endpoint.hpp"

namespace flowscope::proxy {

class Pipe {
 public:
  Pipe(std::vector<Command>& out, ConnectionId id) : out_(out), id_(id) {}

  ConnectionId id() const { return id_; }
  // A new connection (a fresh upstream id): any TLS of the old one is gone.
  void reset(ConnectionId id);

  // Stacks `endpoint` on top. A client endpoint starts its handshake at once.
  void push_tls(tls::Endpoint endpoint, bool start_handshake = false);
  bool has_tls() const { return !layers_.empty(); }
  // The innermost endpoint: the one whose handshake a layer above waits for.
  tls::Endpoint* top() { return layers_.empty() ? nullptr : &layers_.back(); }
  const tls::Endpoint* top() const { return layers_.empty() ? nullptr : &layers_.back(); }
  std::size_t depth() const { return layers_.size(); }

  void send(std::string plaintext);
  // Bytes from the socket; returns the plaintext they carried (maybe none).
  std::string receive(std::string_view bytes) { return receive_from(0, bytes); }
  // Bytes that already passed the endpoints below `level` (a ClientHello held while
  // the endpoint at `level` was being made).
  std::string receive_from(std::size_t level, std::string_view bytes);
  // The socket reached EOF: what the endpoints still had.
  std::string receive_eof();

  // An endpoint failed (its error); `failed_level` says which, 0 being the outermost.
  bool failed() const { return failed_level_ >= 0; }
  int failed_level() const { return failed_level_; }
  const std::string& error() const { return error_; }
  // The peer sent close_notify on some endpoint: it is done sending, as with a FIN.
  bool peer_closed() const;
  // close_notify on every established endpoint, innermost first.
  void close_notify();

 private:
  void flush(std::size_t level);
  void check_failure();

  std::vector<Command>& out_;
  ConnectionId id_;
  std::vector<tls::Endpoint> layers_;  // outermost first
  int failed_level_ = -1;
  std::string error_;
};

}  // namespace flowscope::proxy
