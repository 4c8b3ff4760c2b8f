#include "core/flow/har_sink.hpp"

namespace flowscope::flow {

Result<std::unique_ptr<HarSink>> HarSink::create(const std::filesystem::path& path,
                                                 HarOptions options) {
  auto writer = HarWriter::open(path, std::move(options));
  if (!writer) return std::unexpected(writer.error());
  return std::unique_ptr<HarSink>(new HarSink(std::move(*writer)));
}

void HarSink::on_flow(const Flow& flow) {
  std::lock_guard lock(mutex_);
  if (error_) return;
  if (auto added = writer_.add(flow); !added) error_ = added.error();
}

void HarSink::flush() {
  std::lock_guard lock(mutex_);
  if (auto finished = writer_.finish(); !finished && !error_) error_ = finished.error();
}

std::optional<Error> HarSink::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

}  // namespace flowscope::flow
