#include "core/flow/console_sink.hpp"

#include <string>

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
}  // namespace

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

void ConsoleSink::on_flow(const Flow& flow) { write_line(summary_line(flow)); }

void ConsoleSink::on_flow_event(const FlowEvent& event) {
  if (event.stage != FlowStage::kStarted) return;
  const Flow& flow = event.flow;
  write_line(flow.client_address + " " + flow.request.method + " " + flow.request.url + " …");
}

void ConsoleSink::write_line(std::string line) {
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
