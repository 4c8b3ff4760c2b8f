#pragma once
// gui::RecordingLoader: opens a JSON Lines store or a HAR file on a thread of its own,
// so the window keeps drawing. The GUI polls it once per frame: take() hands over
// the flows read since the last call, so the first screen fills while the rest loads.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/flow/flow.hpp"
#include "core/result.hpp"
#include "core/store/store_reader.hpp"

namespace flowscope::gui {

class RecordingLoader {
 public:
  RecordingLoader() = default;
  RecordingLoader(const RecordingLoader&) = delete;
  RecordingLoader& operator=(const RecordingLoader&) = delete;
  ~RecordingLoader();  // stops a load under way and joins its thread

  // Stops any load under way and starts reading `path`. False (and error() says why)
  // when the file does not exist or is not a regular file.
  // bodies=false keeps every body's data out of the flows handed over (sizes kept), so
  // memory follows the flow count; read_full() gets a store's flow whole on selection.
  // A HAR is parsed whole either way.
  bool start(std::filesystem::path path, bool bodies = true);
  // 0..1: by bytes for a HAR, by flows of the indexed store for a .jsonl.
  double progress() const;
  // Flows read since the last take, in file order.
  std::vector<flow::Flow> take();
  // The reading has ended (finished or failed) and take() has nothing more.
  bool done() const;
  // Why the file could not be read; names the file. Flows read before it stay takeable.
  std::optional<std::string> error() const;
  // Store records that could not be read, a torn last line among them.
  std::size_t skipped() const;
  // One sentence per skipped record or torn line.
  std::vector<std::string> warnings() const;
  const std::filesystem::path& path() const { return path_; }
  // The flow `id` of the store being (or last) loaded, bodies included; thread-safe
  // against the load. An error for a HAR (its flows came whole) or an unknown id.
  Result<flow::Flow> read_full(std::string_view id) const;

 private:
  void stop();
  void run();
  void load_store();
  void load_har();
  void deliver(flow::Flow&& flow);
  void warn(std::string warning);

  std::filesystem::path path_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> finished_{true};
  std::atomic<double> progress_{0};
  bool bodies_ = true;

  mutable std::mutex mutex_;  // guards the members below
  std::vector<flow::Flow> ready_;
  std::optional<std::string> error_;
  std::vector<std::string> warnings_;
  std::size_t skipped_ = 0;
  std::shared_ptr<const store::StoreReader> reader_;          // a store's, once indexed
  std::unordered_map<std::string, std::size_t> store_index_;  // flow id -> store index
};

}  // namespace flowscope::gui
