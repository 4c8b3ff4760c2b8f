#pragma once
// Prints one line per finished flow, like mitmdump does.
#include <cstdio>
#include <mutex>

#include "core/flow/sink.hpp"

namespace flowscope::flow {

class ConsoleSink : public FlowSink {
 public:
  explicit ConsoleSink(std::FILE* out) : out_(out) {}
  void on_flow(const Flow& flow) override;
  void flush() override;

 private:
  std::FILE* out_;
  std::mutex mutex_;
};

// "127.0.0.1:5000 GET http://x/ 200 OK 512B 3.2ms"
std::string summary_line(const Flow& flow);

}  // namespace flowscope::flow
