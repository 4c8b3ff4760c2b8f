#pragma once
// Random and sequential access to a JSON Lines flow store (docs/flow-format.md).
// open() indexes line offsets without parsing any JSON, so opening costs one
// sequential read of the file; flows are parsed one at a time when asked for.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/flow/flow.hpp"
#include "core/result.hpp"

namespace flowscope::store {

class StoreReader {
 public:
  // Fails only when the file cannot be opened or read. A torn last line (the writer
  // was killed mid-line) is left out of the index and reported in warnings().
  static Result<StoreReader> open(const std::filesystem::path& path);

  StoreReader(StoreReader&& other) noexcept;
  StoreReader& operator=(StoreReader&& other) noexcept;
  StoreReader(const StoreReader&) = delete;
  StoreReader& operator=(const StoreReader&) = delete;
  ~StoreReader();

  // Flows indexed: non-empty complete lines. Blank lines are skipped silently.
  std::size_t size() const { return lines_.size(); }
  std::uint64_t indexed_bytes() const { return indexed_end_; }
  const std::filesystem::path& path() const { return path_; }
  const std::vector<std::string>& warnings() const { return warnings_; }

  // Thread-safe (pread). A line that is not a valid record gives an error naming the
  // flow index and byte offset; the other flows stay readable.
  Result<flow::Flow> read(std::size_t index) const;
  // As read(), but every body's data is left empty (size and truncated are kept).
  Result<flow::Flow> read_head(std::size_t index) const;
  // The raw record, without its line end.
  Result<std::string> read_line(std::size_t index) const;

  enum class Bodies { kInclude, kSkip };
  // Called for each flow in file order with its index and its parse result; return
  // false to stop early. Reads in large sequential chunks and holds one flow at a
  // time. The result is an error only for I/O failures; bad lines go to `visit`.
  using Visitor = std::function<bool(std::size_t index, Result<flow::Flow> flow)>;
  Result<void> for_each(const Visitor& visit, Bodies bodies = Bodies::kInclude) const;

  // Indexes lines appended since open() or the last refresh(), for following a store
  // that is still being written; returns how many flows were added. Not safe to call
  // while other threads read.
  Result<std::size_t> refresh();

 private:
  struct Line {
    std::uint64_t offset;
    std::uint64_t length;  // without the '\n'
  };

  StoreReader(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  Result<void> scan();
  Result<std::string> read_bytes(const Line& line) const;
  std::string where(std::size_t index) const;

  std::filesystem::path path_;
  int fd_ = -1;
  std::vector<Line> lines_;
  std::uint64_t indexed_end_ = 0;  // just past the last complete line
  std::vector<std::string> warnings_;
  bool torn_warning_ = false;  // warnings_.back() is about a torn last line
};

}  // namespace flowscope::store
