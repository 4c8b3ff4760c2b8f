#pragma once
// File I/O for key material: whole-file atomic writes with an exact mode, and reads that refuse
// private files other users could read.
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace flowscope::ca {

// Writes a temporary file in the same directory with `mode`, fsyncs it, renames it over `path`
// and fsyncs the directory. A crash leaves either the old file or the complete new one, never
// half a key. The mode is set with fchmod, so the umask cannot loosen or tighten it.
Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view bytes,
                               mode_t mode);

Result<std::string> read_file(const std::filesystem::path& path);

// Like read_file, but fails when group or others have any access to the file, with an error
// that names it and says `chmod 600 <path>`. The mode is checked on the open descriptor, so
// the file that is read is the file that was checked.
Result<std::string> read_private_file(const std::filesystem::path& path);

// Fails like read_private_file when `path` is accessible to group or others.
Result<void> require_private_mode(const std::filesystem::path& path);

}  // namespace flowscope::ca
