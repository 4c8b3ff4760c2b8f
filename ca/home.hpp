#pragma once
// Where flowscope keeps its CA and state.
#include <filesystem>

#include "core/result.hpp"

namespace flowscope::ca {

// $FLOWSCOPE_HOME when set and non-empty, else ~/.flowscope ($HOME, else the passwd entry).
Result<std::filesystem::path> default_home();

// Creates `directory` (and missing parents) when absent; the directory itself gets mode 0700
// because it holds the CA key. An existing directory is left as it is.
Result<void> ensure_home_directory(const std::filesystem::path& directory);

}  // namespace flowscope::ca
