#include "gui/model/recording_loader.hpp"

#include <fstream>
#include <system_error>
#include <utility>

#include "core/store/har_reader.hpp"
#include "core/store/recording_reader.hpp"
#include "core/store/store_reader.hpp"

namespace flowscope::gui {

RecordingLoader::~RecordingLoader() { stop(); }

void RecordingLoader::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  stopping_ = false;
}

bool RecordingLoader::start(std::filesystem::path path, bool bodies) {
  stop();
  bodies_ = bodies;
  {
    std::lock_guard lock(mutex_);
    reader_.reset();
    store_index_.clear();
    ready_.clear();
    error_.reset();
    warnings_.clear();
    skipped_ = 0;
  }
  path_ = std::move(path);
  progress_ = 0;
  std::error_code code;
  if (!std::filesystem::is_regular_file(path_, code)) {
    std::lock_guard lock(mutex_);
    error_ = "cannot open " + path_.string() + ": " +
             (code ? code.message() : std::string(std::filesystem::exists(path_) ? "not a regular file" : "no such file"));
    finished_ = true;
    return false;
  }
  finished_ = false;
  thread_ = std::thread([this] { run(); });
  return true;
}

void RecordingLoader::run() {
  auto format = store::recording_format(path_);
  if (!format) {
    std::lock_guard lock(mutex_);
    error_ = format.error().message;
  } else if (*format == store::RecordingFormat::kStore) {
    load_store();
  } else {
    load_har();
  }
  if (!stopping_) progress_ = 1;
  finished_ = true;
}

void RecordingLoader::load_store() {
  auto opened = store::StoreReader::open(path_);
  if (!opened) {
    std::lock_guard lock(mutex_);
    error_ = opened.error().message;
    return;
  }
  auto reader = std::make_shared<const store::StoreReader>(std::move(*opened));
  {
    std::lock_guard lock(mutex_);
    reader_ = reader;
  }
  for (const auto& warning : reader->warnings()) warn(warning);
  const double total = static_cast<double>(reader->size());
  auto walked = reader->for_each(
      [&](std::size_t index, Result<flow::Flow> flow) {
        if (stopping_) return false;
        if (flow) {
          std::lock_guard lock(mutex_);
          store_index_.emplace(flow->id, index);
          ready_.push_back(std::move(*flow));
        } else {
          warn("skipped: " + flow.error().message);
        }
        progress_ = static_cast<double>(index + 1) / total;
        return true;
      },
      bodies_ ? store::StoreReader::Bodies::kInclude : store::StoreReader::Bodies::kSkip);
  if (!walked && !stopping_) {
    std::lock_guard lock(mutex_);
    error_ = walked.error().message;
  }
}

void RecordingLoader::load_har() {
  std::ifstream in(path_, std::ios::binary);
  std::error_code code;
  const auto size = std::filesystem::file_size(path_, code);
  if (!in || code) {
    std::lock_guard lock(mutex_);
    error_ = "cannot open " + path_.string() + (code ? ": " + code.message() : std::string());
    return;
  }
  auto count = store::read_har(in, [&](flow::Flow&& flow) -> Result<void> {
    if (stopping_) return fail("stopped");
    deliver(std::move(flow));
    // The stream buffer's own position: the stream's state may be mid-parse.
    const auto at = in.rdbuf()->pubseekoff(0, std::ios::cur, std::ios::in);
    if (at >= 0 && size > 0) progress_ = static_cast<double>(at) / static_cast<double>(size);
    return {};
  });
  if (!count && !stopping_) {
    std::lock_guard lock(mutex_);
    error_ = path_.string() + ": " + count.error().message;
  }
}

void RecordingLoader::deliver(flow::Flow&& flow) {
  std::lock_guard lock(mutex_);
  ready_.push_back(std::move(flow));
}

void RecordingLoader::warn(std::string warning) {
  std::lock_guard lock(mutex_);
  warnings_.push_back(std::move(warning));
  ++skipped_;
}

Result<flow::Flow> RecordingLoader::read_full(std::string_view id) const {
  std::shared_ptr<const store::StoreReader> reader;
  std::size_t index = 0;
  {
    std::lock_guard lock(mutex_);
    auto found = store_index_.find(std::string(id));
    if (!reader_ || found == store_index_.end())
      return fail("flow " + std::string(id) + " is not in the store " + path_.string());
    reader = reader_;
    index = found->second;
  }
  return reader->read(index);  // pread: safe while the load goes on
}

double RecordingLoader::progress() const { return progress_; }

std::vector<flow::Flow> RecordingLoader::take() {
  std::vector<flow::Flow> out;
  std::lock_guard lock(mutex_);
  out.swap(ready_);
  return out;
}

bool RecordingLoader::done() const {
  if (!finished_) return false;
  std::lock_guard lock(mutex_);
  return ready_.empty();
}

std::optional<std::string> RecordingLoader::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

std::size_t RecordingLoader::skipped() const {
  std::lock_guard lock(mutex_);
  return skipped_;
}

std::vector<std::string> RecordingLoader::warnings() const {
  std::lock_guard lock(mutex_);
  return warnings_;
}

}  // namespace flowscope::gui
