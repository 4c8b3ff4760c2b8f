#pragma once
// OriginServer: a scriptable HTTP/1.1 origin for integration tests.
//
// It listens on 127.0.0.1, port 0 (the OS picks), with blocking POSIX sockets: one
// accept thread (poll on the listener and a self-pipe) and one thread per
// connection. Every byte it receives is recorded, per connection and per request,
// so a test can assert on exactly what the proxy forwarded.
//
// A handler decides, per request, what to send back. It gets an Exchange whose head
// is already parsed; the body is read lazily by Exchange::body(), so a handler can
// answer "100 Continue" before the body arrives. Whatever the handler leaves
// unread is read after it returns, to keep the connection in step.
//
// In raw mode (OriginServer::Raw) the handler gets the whole connection instead,
// for tunnels: read and write arbitrary bytes, see half-closes.
//
// Stopping (the destructor, or stop()) closes the listener, shuts every connection
// socket down, wakes handlers that hold or wait on a Gate, and joins every thread.
// No sleeps anywhere: blocked reads end because their socket is shut down.
//
// Invariants:
//  * A connection's fd is set to -1 under mutex_ before it is closed, and stop()
//    reads it under mutex_, so stop() never shuts down a number the kernel has
//    already handed to someone else.
//  * Records are appended under mutex_ and returned as copies.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/http/message.hpp"
#include "core/http/parser.hpp"

namespace flowscope::testsupport {

// A one-shot latch a test opens to let a handler go on. Copies share the state, so
// capture it by value in handlers. OriginServer::stop() opens every gate a handler
// waits on (through Exchange::wait), so a failing test never leaves a handler
// blocked and the server's destructor always returns.
class Gate {
 public:
  Gate();
  Gate(const Gate&) = default;
  Gate& operator=(const Gate&) = default;
  void open();
  bool is_open() const;
  // Blocks until open(). Prefer Exchange::wait(gate) in handlers.
  void wait() const;

 private:
  friend class OriginServer;
  struct State {
    std::mutex mutex;
    std::condition_variable cv;
    bool open = false;
  };
  std::shared_ptr<State> state_;
};

// One request as the origin received it.
struct ReceivedRequest {
  std::size_t connection = 0;  // accept order, from 0
  std::size_t index = 0;       // position on its connection, from 0
  http::RequestHead head;
  std::string body;  // decoded (chunk framing removed)
  http::Headers trailers;
  std::string raw;        // the bytes of this request as received: head and framed body
  bool complete = false;  // the whole body was read
};

struct ConnectionRecord {
  std::string raw;           // every byte received on the connection
  bool peer_closed = false;  // we saw EOF (or a reset) from the peer
  bool finished = false;     // the connection thread is done with it
};

class OriginServer;

// The per-connection state shared by Exchange and RawConnection.
struct ConnectionState;

// A request being answered.
class RawConnection;

class Exchange {
 public:
  const http::RequestHead& head() const;
  // Reads the rest of the body if needed; "" when the peer went away first.
  const std::string& body();
  const http::Headers& trailers();
  bool body_complete() const;
  std::size_t connection_index() const;
  std::size_t request_index() const;  // on this connection
  OriginServer& server() { return server_; }

  // Raw bytes. False when the peer is gone.
  bool write(std::string_view bytes);
  // A complete response framed with Content-Length (the body is not sent for HEAD,
  // 1xx, 204 and 304, but Content-Length still describes it).
  bool respond(int status, std::string_view body, const http::Headers& extra = {},
               std::string_view reason = {});
  // Sends FIN after this exchange (a close-delimited body ends there). The server
  // reads until the peer closes too, so our close never becomes a reset.
  void close_after();
  // SO_LINGER {1, 0} and close now: the peer sees a reset.
  void reset();
  // Blocks until the server stops.
  void hold();
  // Blocks until `gate` opens or the server stops; true when the gate opened.
  bool wait(const Gate& gate);
  // Blocks until the peer closes the connection (or the server stops); discards input.
  void wait_for_peer_close();
  // The connection as a byte stream, e.g. after answering 101 Switching Protocols.
  // Bytes that followed the request are read first.
  RawConnection raw();

 private:
  friend class OriginServer;
  Exchange(OriginServer& server, ConnectionState& conn, ReceivedRequest& record)
      : server_(server), conn_(conn), record_(record) {}
  OriginServer& server_;
  ConnectionState& conn_;
  ReceivedRequest& record_;
};

// A connection in raw mode.
class RawConnection {
 public:
  std::size_t index() const;
  // Up to `max` bytes; "" at EOF, on error or once the server stops.
  std::string read_some(std::size_t max = 64 * 1024);
  // Everything until the peer half-closes (or resets, or the server stops).
  std::string read_until_eof();
  // Exactly n bytes, or fewer when the stream ends first.
  std::string read_exact(std::size_t n);
  // Up to and including `delimiter` (e.g. "\r\n\r\n"); what follows stays buffered.
  // Whatever arrived when the stream ends first.
  std::string read_until(std::string_view delimiter);
  bool write(std::string_view bytes);
  void shutdown_write();
  void reset();
  void hold();
  bool wait(const Gate& gate);
  OriginServer& server() { return server_; }

 private:
  friend class OriginServer;
  friend class Exchange;
  RawConnection(OriginServer& server, ConnectionState& conn) : server_(server), conn_(conn) {}
  OriginServer& server_;
  ConnectionState& conn_;
};

class OriginServer {
 public:
  using Handler = std::function<void(Exchange&)>;
  using RawHandler = std::function<void(RawConnection&)>;
  struct Raw {
    RawHandler handler;
  };

  explicit OriginServer(Handler handler);
  explicit OriginServer(Raw raw);
  ~OriginServer();
  OriginServer(const OriginServer&) = delete;
  OriginServer& operator=(const OriginServer&) = delete;

  std::uint16_t port() const { return port_; }
  // "127.0.0.1:PORT"
  std::string authority() const;
  // "http://127.0.0.1:PORT" + path
  std::string url(std::string_view path = "/") const;

  // Stops accepting, shuts every connection down, wakes waiting handlers and joins
  // all threads. Idempotent; the destructor calls it.
  void stop();
  bool stopping() const;

  std::size_t connection_count() const;
  std::vector<ConnectionRecord> connections() const;
  std::vector<ReceivedRequest> requests() const;
  // Protocol errors the server saw in what it received (unparsable requests).
  std::vector<std::string> errors() const;

  // Hang guards: block until the condition holds; false after `timeout_ms` (which
  // is only there so a broken proxy fails a test instead of hanging it).
  bool wait_for_requests(std::size_t n, int timeout_ms = 30'000) const;
  bool wait_for_connections(std::size_t n, int timeout_ms = 30'000) const;
  // Until `n` connections have seen the peer close (EOF or reset).
  bool wait_for_peer_closes(std::size_t n, int timeout_ms = 30'000) const;

  // ------------------------------------------------------ ready-made behaviours

  // status + body with Content-Length, after reading the whole request.
  static Handler fixed(int status, std::string body, http::Headers extra = {});
  // A chunked body in the given pieces, ending with `trailers` (announced in a
  // Trailer header when there are any).
  static Handler chunked(std::vector<std::string> pieces, http::Headers trailers = {});
  // No Content-Length, no chunking: the body ends when the server closes.
  static Handler close_delimited(std::string body);
  // 200 with the request body as the response body; X-Method, X-Target and
  // X-Body-Size describe the request.
  static Handler echo();
  // 200 with "SIZE SHA256HEX" of the request body, which it hashes as it reads.
  static Handler echo_digest();
  // Reads the request and never answers; the connection is held until the peer
  // closes it or the server stops (wait_for_peer_closes() sees the former).
  static Handler never_answer();
  // Reads the request head, then resets the connection (SO_LINGER 0 + close).
  static Handler reset();
  // Answers HEAD with the headers a GET would get (Content-Length: size) and no
  // body, GET with the body.
  static Handler head_aware(std::string body);
  // 204 No Content, or 304 Not Modified with an ETag.
  static Handler no_content();
  static Handler not_modified();
  // If the request has "Expect: 100-continue": "HTTP/1.1 100 Continue" first, then
  // reads the body; then behaves like echo().
  static Handler continue_then_echo();
  // Content-Length response whose body goes out in separate writes, one per piece.
  static Handler slow(std::vector<std::string> pieces);
  // A `size`-byte body of pattern() bytes, generated and written in 64 KiB pieces,
  // framed by Content-Length (or chunked when `chunked`).
  static Handler large(std::uint64_t size, bool chunked = false);

 private:
  friend class Exchange;
  friend class RawConnection;

  void start();
  void accept_loop();
  void serve(std::shared_ptr<ConnectionState> conn);
  void serve_http(ConnectionState& conn);
  // Parser helpers; false when the connection is over.
  ReceivedRequest* read_head(ConnectionState& conn);
  bool read_body(ConnectionState& conn, ReceivedRequest& record);
  // Takes what one feed() returned: body pieces, completion, consumed bytes.
  void absorb(ConnectionState& conn, ReceivedRequest* record, const http::ParseOutput& out);
  bool fill(ConnectionState& conn);
  void close_fd(ConnectionState& conn, bool reset);
  void graceful_close(ConnectionState& conn);
  void note_peer_closed(ConnectionState& conn);
  bool wait_gate(const Gate& gate);
  void hold_until_stopped();

  Handler handler_;
  RawHandler raw_handler_;
  int listen_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};
  std::uint16_t port_ = 0;
  std::thread acceptor_;

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  bool stopping_ = false;  // handlers and connection threads should wind down
  bool stopped_ = false;   // stop() has run (or is running)
  std::list<std::thread> threads_;
  std::vector<std::shared_ptr<ConnectionState>> conns_;
  // Deques: a connection thread keeps a pointer to its own record while other
  // threads append, and push_back on a deque never moves existing elements.
  std::deque<ConnectionRecord> conn_records_;
  std::deque<ReceivedRequest> requests_;
  std::vector<std::string> errors_;
  std::vector<std::shared_ptr<Gate::State>> waited_gates_;
};

}  // namespace flowscope::testsupport
