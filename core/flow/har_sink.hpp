#pragma once
// A FlowSink that writes a HAR file as flows finish (`flowscope run --har FILE`).
// The document is closed at flush(), the sink's shutdown call.
#include <mutex>
#include <optional>

#include "core/flow/har_writer.hpp"
#include "core/flow/sink.hpp"

namespace flowscope::flow {

class HarSink : public FlowSink {
 public:
  static Result<std::unique_ptr<HarSink>> create(const std::filesystem::path& path,
                                                 HarOptions options = {});

  void on_flow(const Flow& flow) override;
  void flush() override;
  // The first write error, if any: on_flow cannot return one, so it is kept here
  // and later flows are dropped rather than written after a gap.
  std::optional<Error> error() const;

 private:
  explicit HarSink(HarWriter writer) : writer_(std::move(writer)) {}

  mutable std::mutex mutex_;
  HarWriter writer_;
  std::optional<Error> error_;
};

}  // namespace flowscope::flow
