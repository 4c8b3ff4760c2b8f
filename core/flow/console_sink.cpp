#include "core/flow/console_sink.hpp"

#include <string>

namespace flowscope::flow {

namespace {
std::string format_ms(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fms", ms);
  return buf;
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
