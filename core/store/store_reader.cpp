#include "core/store/store_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include "core/flow/json_reader.hpp"

namespace flowscope::store {

namespace {

// Large enough that the index pass is bound by memchr and the page cache, not by
// syscalls; small enough not to matter next to the index itself.
constexpr std::size_t kScanChunk = 4 * 1024 * 1024;

std::string errno_text(int err) {
  return std::error_code(err, std::generic_category()).message();
}

// Reads up to `size` bytes at `offset`, retrying short reads; returns bytes read
// (fewer only at end of file) or -errno.
ssize_t pread_full(int fd, char* out, std::size_t size, std::uint64_t offset) {
  std::size_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd, out + done, size - done, static_cast<off_t>(offset + done));
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n == 0) {
      break;
    } else if (errno != EINTR) {
      return -errno;
    }
  }
  return static_cast<ssize_t>(done);
}

}  // namespace

Result<StoreReader> StoreReader::open(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    return fail("cannot open the flow store " + path.string() + ": " + errno_text(err));
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return fail("the flow store path " + path.string() + " is a directory: pass the store file");
  }
  StoreReader reader(path, fd);
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  if (auto scanned = reader.scan(); !scanned) return std::unexpected(scanned.error());
  return reader;
}

StoreReader::StoreReader(StoreReader&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(std::exchange(other.fd_, -1)),
      lines_(std::move(other.lines_)),
      indexed_end_(other.indexed_end_),
      warnings_(std::move(other.warnings_)),
      torn_warning_(other.torn_warning_) {}

StoreReader& StoreReader::operator=(StoreReader&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
    lines_ = std::move(other.lines_);
    indexed_end_ = other.indexed_end_;
    warnings_ = std::move(other.warnings_);
    torn_warning_ = other.torn_warning_;
  }
  return *this;
}

StoreReader::~StoreReader() {
  if (fd_ >= 0) ::close(fd_);
}

// Indexes complete lines from indexed_end_ to the current end of file. No JSON is
// parsed here: a 1 GiB store opens at memchr speed.
Result<void> StoreReader::scan() {
  if (torn_warning_) {
    warnings_.pop_back();
    torn_warning_ = false;
  }
  std::string buffer(kScanChunk, '\0');
  std::uint64_t line_start = indexed_end_;
  std::uint64_t offset = indexed_end_;
  for (;;) {
    ssize_t n = pread_full(fd_, buffer.data(), buffer.size(), offset);
    if (n < 0) {
      return fail("cannot read the flow store " + path_.string() + ": " +
                  errno_text(static_cast<int>(-n)));
    }
    if (n == 0) break;
    const char* begin = buffer.data();
    const char* end = begin + n;
    for (const char* p = begin; p < end;) {
      const void* found = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
      if (!found) break;
      const char* newline = static_cast<const char*>(found);
      std::uint64_t at = offset + static_cast<std::uint64_t>(newline - begin);
      std::uint64_t length = at - line_start;
      // Empty lines carry nothing and the writer produces none (a hand edit might).
      if (length > 0) lines_.push_back(Line{line_start, length});
      line_start = at + 1;
      p = newline + 1;
    }
    offset += static_cast<std::uint64_t>(n);
  }
  indexed_end_ = line_start;
  if (offset > line_start) {
    // No '\n' after the last bytes: a write that never finished.
    warnings_.push_back(path_.filename().string() + ": last line is incomplete (" +
                        std::to_string(offset - line_start) +
                        " bytes), skipped: the writer was probably killed");
    torn_warning_ = true;
  }
  return {};
}

Result<std::size_t> StoreReader::refresh() {
  std::size_t before = lines_.size();
  if (auto scanned = scan(); !scanned) return std::unexpected(scanned.error());
  return lines_.size() - before;
}

std::string StoreReader::where(std::size_t index) const {
  return path_.filename().string() + ": flow " + std::to_string(index) + " (byte " +
         std::to_string(lines_[index].offset) + ")";
}

Result<std::string> StoreReader::read_bytes(const Line& line) const {
  std::string bytes(line.length, '\0');
  ssize_t n = pread_full(fd_, bytes.data(), bytes.size(), line.offset);
  if (n < 0) return fail(errno_text(static_cast<int>(-n)));
  if (static_cast<std::uint64_t>(n) != line.length)
    return fail("the file is shorter than when it was opened");
  return bytes;
}

Result<std::string> StoreReader::read_line(std::size_t index) const {
  if (index >= lines_.size()) {
    return fail(path_.filename().string() + ": no flow " + std::to_string(index) +
                " (the store has " + std::to_string(lines_.size()) + ")");
  }
  auto bytes = read_bytes(lines_[index]);
  if (!bytes) return fail(where(index) + ": cannot read: " + bytes.error().message);
  return bytes;
}

Result<flow::Flow> StoreReader::read(std::size_t index) const {
  auto line = read_line(index);
  if (!line) return std::unexpected(line.error());
  auto flow = flow::parse_json_line(*line);
  if (!flow) return fail(where(index) + ": " + flow.error().message);
  return flow;
}

Result<flow::Flow> StoreReader::read_head(std::size_t index) const {
  auto line = read_line(index);
  if (!line) return std::unexpected(line.error());
  auto flow = flow::parse_json_line_head(*line);
  if (!flow) return fail(where(index) + ": " + flow.error().message);
  return flow;
}

Result<void> StoreReader::for_each(const Visitor& visit, Bodies bodies) const {
  std::string buffer;
  std::uint64_t buffer_offset = 0;  // file offset of buffer[0]
  for (std::size_t i = 0; i < lines_.size(); ++i) {
    const Line& line = lines_[i];
    if (line.offset < buffer_offset || line.offset + line.length > buffer_offset + buffer.size()) {
      buffer.resize(std::max<std::uint64_t>(kScanChunk, line.length));
      ssize_t n = pread_full(fd_, buffer.data(), buffer.size(), line.offset);
      if (n < 0) return fail(where(i) + ": cannot read: " + errno_text(static_cast<int>(-n)));
      buffer.resize(static_cast<std::size_t>(n));
      buffer_offset = line.offset;
      if (line.length > buffer.size())
        return fail(where(i) + ": the file is shorter than when it was opened");
    }
    std::string_view text(buffer.data() + (line.offset - buffer_offset), line.length);
    auto flow = bodies == Bodies::kSkip ? flow::parse_json_line_head(text) : flow::parse_json_line(text);
    if (!flow) flow = fail(where(i) + ": " + flow.error().message);
    if (!visit(i, std::move(flow))) break;
  }
  return {};
}

}  // namespace flowscope::store
