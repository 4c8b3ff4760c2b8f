#include "session_harness.hpp"

#include "core/overloaded.hpp"

namespace flowscope::proxy::testing {

namespace {

const char* timer_name(TimerKind kind) {
  switch (kind) {
    case TimerKind::kIdle: return "idle";
    case TimerKind::kHeader: return "header";
    case TimerKind::kResponse: return "response";
    case TimerKind::kHook: return "hook";
  }
  return "?";
}

}  // namespace

std::string describe(const Command& command) {
  return std::visit(
      Overloaded{
          [](const SendBytes& c) { return "send " + std::to_string(c.connection) + " " + c.bytes; },
          [](const OpenConnection& c) {
            return "open " + std::to_string(c.connection) + " " + c.host + ":" + std::to_string(c.port) +
                   (c.allow_pooled ? " pooled" : "");
          },
          [](const ShutdownWrite& c) { return "shutdown " + std::to_string(c.connection); },
          [](const CloseConnection& c) {
            return "close " + std::to_string(c.connection) + (c.reusable ? " reusable" : "");
          },
          [](const StartTimer& c) { return std::string("timer+ ") + timer_name(c.kind) + " " + std::to_string(c.ms); },
          [](const StopTimer& c) { return std::string("timer- ") + timer_name(c.kind); },
          [](const RecordFlow& c) {
            std::string line = "flow " + c.flow.id + " " + c.flow.request.method + " " + c.flow.request.url;
            if (c.flow.response) line += " " + std::to_string(c.flow.response->status);
            if (!c.flow.error.empty()) line += " error: " + c.flow.error;
            return line;
          },
          [](const LiveFlow& c) {
            return std::string("live ") + flow::flow_stage_name(c.event.stage) + " " + c.event.flow.id;
          },
      },
      command);
}

std::vector<std::vector<std::string>> every_split(const std::string& input) {
  std::vector<std::vector<std::string>> splits;
  splits.push_back({input});
  std::vector<std::string> bytes;
  for (char c : input) bytes.emplace_back(1, c);
  splits.push_back(bytes);
  for (std::size_t i = 1; i < input.size(); ++i) splits.push_back({input.substr(0, i), input.substr(i)});
  return splits;
}

}  // namespace flowscope::proxy::testing
