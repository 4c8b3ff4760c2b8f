#pragma once
// Prints one line per finished flow, like mitmdump does. With `live`, also a line
// when a request starts ("… GET http://x/ …"), so a slow exchange is visible while
// it runs.
#include <cstdio>
#include <string>
#include <mutex>

#include "core/flow/sink.hpp"

namespace flowscope::flow {

class ConsoleSink : public FlowSink {
 public:
  explicit ConsoleSink(std::FILE* out, bool live = false) : out_(out), live_(live) {}
  void on_flow(const Flow& flow) override;
  bool wants_live_events() const override { return live_; }
  void on_flow_event(const FlowEvent& event) override;
  void flush() override;

 private:
  void write_line(std::string line);

  std::FILE* out_;
  bool live_;
  std::mutex mutex_;
};

// "127.0.0.1:5000 GET http://x/ 200 OK 512B 3.2ms"
std::string summary_line(const Flow& flow);

}  // namespace flowscope::flow
