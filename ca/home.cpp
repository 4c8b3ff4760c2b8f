#include "ca/home.hpp"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace flowscope::ca {

Result<std::filesystem::path> default_home() {
  if (const char* home = std::getenv("FLOWSCOPE_HOME"); home && *home)
    return std::filesystem::path(home);
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::filesystem::path(home) / ".flowscope";
  if (const passwd* entry = getpwuid(getuid()); entry && entry->pw_dir && *entry->pw_dir)
    return std::filesystem::path(entry->pw_dir) / ".flowscope";
  return fail(
      "cannot find a home directory: set FLOWSCOPE_HOME to where flowscope should keep "
      "its CA");
}

Result<void> ensure_home_directory(const std::filesystem::path& directory) {
  std::error_code error;
  if (std::filesystem::is_directory(directory, error)) return {};
  if (directory.has_parent_path()) {
    std::filesystem::create_directories(directory.parent_path(), error);
    if (error)
      return fail("cannot create " + directory.parent_path().string() + ": " + error.message());
  }
  if (::mkdir(directory.c_str(), 0700) != 0) {
    if (errno == EEXIST && std::filesystem::is_directory(directory, error)) return {};
    return fail("cannot create " + directory.string() + ": " + std::strerror(errno));
  }
  // mkdir applies the umask; only a chmod guarantees exactly 0700.
  if (::chmod(directory.c_str(), 0700) != 0)
    return fail("cannot chmod 700 " + directory.string() + ": " + std::strerror(errno));
  return {};
}

}  // namespace flowscope::ca
