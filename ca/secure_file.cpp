#include "ca/secure_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace flowscope::ca {

namespace {

std::string errno_text(int error) {
  return std::strerror(error);
}

// Closes a descriptor on every path out of a function.
class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // close(2) can report a failed delayed write, so callers that wrote must check it.
  int close() {
    const int result = ::close(fd_);
    fd_ = -1;
    return result;
  }

 private:
  int fd_;
};

std::string octal_mode(mode_t mode) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%04o", static_cast<unsigned>(mode & 07777));
  return buffer;
}

Result<void> check_private(const std::filesystem::path& path, const struct stat& info) {
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) == 0) return {};
  return fail(path.string() + " holds a private key but other users can access it (mode " +
              octal_mode(info.st_mode) + "): run `chmod 600 " + path.string() + "`");
}

Result<std::string> read_all(const std::filesystem::path& path, bool must_be_private) {
  Descriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return fail("cannot open " + path.string() + ": " + errno_text(errno));
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0)
    return fail("cannot stat " + path.string() + ": " + errno_text(errno));
  if (!S_ISREG(info.st_mode)) return fail(path.string() + " is not a regular file");
  if (must_be_private) {
    if (auto ok = check_private(path, info); !ok) return std::unexpected(ok.error());
  }
  std::string out;
  out.reserve(static_cast<std::size_t>(info.st_size));
  char buffer[16384];
  for (;;) {
    const ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      return fail("cannot read " + path.string() + ": " + errno_text(errno));
    }
    out.append(buffer, static_cast<std::size_t>(got));
  }
  return out;
}

}  // namespace

Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view bytes,
                               mode_t mode) {
  const std::filesystem::path directory =
      path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::string temp = (directory / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  // mkstemp creates the file 0600, so the key is never readable by others, not even briefly.
  Descriptor fd(::mkostemp(temp.data(), O_CLOEXEC));
  if (fd.get() < 0)
    return fail("cannot create a file in " + directory.string() + ": " + errno_text(errno));
  auto abandon = [&](const std::string& what) {
    const int error = errno;
    ::unlink(temp.c_str());
    return fail("cannot write " + path.string() + ": " + what + ": " + errno_text(error));
  };
  if (::fchmod(fd.get(), mode) != 0) return abandon("fchmod");
  for (std::size_t done = 0; done < bytes.size();) {
    const ssize_t wrote = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
    if (wrote < 0) {
      if (errno == EINTR) continue;
      return abandon("write");
    }
    done += static_cast<std::size_t>(wrote);
  }
  if (::fsync(fd.get()) != 0) return abandon("fsync");
  if (fd.close() != 0) return abandon("close");
  if (::rename(temp.c_str(), path.c_str()) != 0) return abandon("rename");
  // The rename is durable only once the directory entry is on disk.
  Descriptor dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() >= 0) ::fsync(dir.get());
  return {};
}

Result<std::string> read_file(const std::filesystem::path& path) {
  return read_all(path, false);
}

Result<std::string> read_private_file(const std::filesystem::path& path) {
  return read_all(path, true);
}

Result<void> require_private_mode(const std::filesystem::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0)
    return fail("cannot stat " + path.string() + ": " + errno_text(errno));
  return check_private(path, info);
}

}  // namespace flowscope::ca
