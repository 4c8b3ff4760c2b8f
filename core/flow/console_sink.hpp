#pragma once
// Prints one line per finished flow, like mitmdump does. With `live`, also a line
// when a request starts ("… GET http://x/ …"), so a slow exchange is visible while
// it runs, and a line per WebSocket message as it passes, while the socket is open.
// With `colour` (a terminal), finished lines are coloured as ansi::flow_colour says,
// and in-flight lines are dim.
#include <cstdio>
#include <string>
#include <string_view>
#include <mutex>

#include "core/flow/sink.hpp"

namespace flowscope::flow {

class ConsoleSink : public FlowSink {
 public:
  explicit ConsoleSink(std::FILE* out, bool live = false, bool colour = false)
      : out_(out), live_(live), colour_(colour) {}
  void on_flow(const Flow& flow) override;
  bool wants_live_events() const override { return live_; }
  void on_flow_event(const FlowEvent& event) override;
  void flush() override;

 private:
  // `colour` is an ANSI sequence (terminal_colour.hpp), or empty; used only with colour_.
  void write_line(std::string line, std::string_view colour = {});

  std::FILE* out_;
  bool live_;
  bool colour_;
  std::mutex mutex_;
};

// "127.0.0.1:5000 GET http://x/ 200 OK 512B 3.2ms"
std::string summary_line(const Flow& flow);


// "127.0.0.1:5000 ws ← text 16B hello, flowscope": one WebSocket message on one short
// line. → the client sent it, ← the server. Text (and a close reason) shows its first
// 40 bytes with control characters as spaces, anything else its first 16 bytes in hex;
// "…" when there is more.
std::string websocket_message_line(const std::string& client_address, const WebSocketMessage& message);

}  // namespace flowscope::flow
