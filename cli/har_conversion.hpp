#pragma once
// Store ↔ HAR conversions behind `flowscope export`, `import` and `record`.
#include <cstddef>
#include <filesystem>

#include "core/result.hpp"

namespace flowscope::cli {

struct ConversionReport {
  std::size_t flows = 0;
  std::size_t skipped = 0;  // records that could not be read
};

// Streams `store` into a HAR 1.2 file, printing progress on stderr for long jobs.
Result<ConversionReport> export_har(const std::filesystem::path& store, const std::filesystem::path& har);
// Appends the entries of a HAR file (Chrome, Firefox, mitmproxy, Playwright) to `store`.
Result<ConversionReport> import_har(const std::filesystem::path& har, const std::filesystem::path& store);

}  // namespace flowscope::cli
