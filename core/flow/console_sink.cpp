#include "core/flow/console_sink.hpp"

#include "core/flow/terminal_colour.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

namespace flowscope::flow {

namespace {
std::string format_ms(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fms", ms);
  return buf;
}
// A peer's text on one console line: control characters become spaces.
std::string one_line(std::string text) {
  for (char& c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return text;
}
const char* opcode_name(std::uint8_t opcode) {
  switch (opcode) {
    case 0: return "continuation";
    case 1: return "text";
    case 2: return "binary";
    case 8: return "close";
    case 9: return "ping";
    case 10: return "pong";
  }
  return "opcode";
}

// At most `max` bytes of text, not ending inside a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

constexpr std::size_t kPreviewBytes = 40;  // text shown per WebSocket message
constexpr std::size_t kPreviewHexBytes = 16;  // binary shown per WebSocket message, as hex

std::string preview(const WebSocketMessage& m) {
  if (!m.error.empty()) return "(" + one_line(m.error.substr(0, 80)) + ")";
  const bool shown_as_text = m.opcode == 1 || m.opcode == 8;
  std::string out;
  std::size_t shown = 0;
  if (shown_as_text) {
    const std::string_view head = utf8_prefix(m.data, kPreviewBytes);
    out = one_line(std::string(head));
    shown = head.size();
  } else {
    static constexpr char kHex[] = "0123456789abcdef";
    shown = std::min(m.data.size(), kPreviewHexBytes);
    for (std::size_t i = 0; i < shown; ++i) {
      const auto b = static_cast<unsigned char>(m.data[i]);
      out += kHex[b >> 4];
      out += kHex[b & 0xF];
    }
  }
  // More than is shown: the preview cut the kept payload, or the body limit did. (Not
  // `shown < length`: a close frame's length counts its 2-byte code too.)
  if (shown < m.data.size() || m.truncated) out += "…";
  return out;
}
}  // namespace

std::string websocket_message_line(const std::string& client_address, const WebSocketMessage& m) {
  // → the client sent it, ← the server did: the arrow points the way the message went.
  std::string line = client_address + " ws " + (m.from_client ? "→ " : "← ") + opcode_name(m.opcode) + " " +
                     std::to_string(m.length) + "B";
  if (m.compressed) line += " (deflate " + std::to_string(m.wire_length) + "B)";
  if (m.close_code) line += " " + std::to_string(*m.close_code);
  const std::string shown = preview(m);
  if (!shown.empty()) line += " " + shown;
  return line;
}

std::string summary_line(const Flow& flow) {
  std::string line = flow.client_address + " " + flow.request.method + " " + flow.request.url;
  if (flow.tunnel) {
    line += " tunnel " + std::to_string(flow.tunnel->bytes_from_client) + "B up " +
            std::to_string(flow.tunnel->bytes_from_server) + "B down " + format_ms(flow.tunnel->duration_ms);
  } else if (flow.response) {
    line += " " + std::to_string(flow.response->status) + " " + flow.response->reason + " " +
            std::to_string(flow.response->body.size) + "B";
    double total = 0;
    for (double t : {flow.timings.send, flow.timings.wait, flow.timings.receive})
      if (t > 0) total += t;
    line += " " + format_ms(total);
  }
  if (flow.websocket) {
    const WebSocket& ws = *flow.websocket;
    line += " websocket " + std::to_string(ws.messages.size() + ws.messages_dropped) + " messages";
    if (ws.close) {
      line += std::string(", closed by the ") + (ws.close->from_client ? "client" : "server");
      if (ws.close->code) line += " " + std::to_string(*ws.close->code);
      if (!ws.close->reason.empty()) line += " " + one_line(ws.close->reason.substr(0, 60));
    }
    if (!ws.protocol_error.empty()) line += ", protocol error: " + ws.protocol_error;
  }
  if (!flow.error.empty()) line += " error: " + flow.error.substr(0, flow.error.find('\n'));
  return line;
}

void ConsoleSink::on_flow(const Flow& flow) { write_line(summary_line(flow), ansi::flow_colour(flow)); }

void ConsoleSink::on_flow_event(const FlowEvent& event) {
  const Flow& flow = event.flow;
  if (event.stage == FlowStage::kStarted) {
    write_line(flow.client_address + " " + flow.request.method + " " + flow.request.url + " …", ansi::kDim);
  } else if (event.stage == FlowStage::kWebSocketMessage && flow.websocket) {
    for (const WebSocketMessage& m : flow.websocket->messages) write_line(websocket_message_line(flow.client_address, m));
  }
}

void ConsoleSink::write_line(std::string line, std::string_view colour) {
  if (colour_ && !colour.empty()) line = ansi::paint(colour, line);
  line.push_back('\n');
  std::lock_guard lock(mutex_);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

void ConsoleSink::flush() {
  std::lock_guard lock(mutex_);
  std::fflush(out_);
}

}  // namespace flowscope::flow
