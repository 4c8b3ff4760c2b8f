#pragma once
// Store ↔ HAR conversions behind `flowscope export`, `import` and `record`.
#include <cstddef>
#include <filesystem>

#include "core/filter/filter.hpp"
#include "core/result.hpp"

namespace flowscope::cli {

struct ConversionReport {
  std::size_t flows = 0;
  std::size_t skipped = 0;  // records that could not be read
  std::size_t not_matching = 0;  // left out by a filter
};

// Streams `store` into a HAR 1.2 file, printing progress on stderr for long jobs. With
// a filter, only the flows it matches are written.
Result<ConversionReport> export_har(const std::filesystem::path& store, const std::filesystem::path& har,
                                    const filter::Filter* filter = nullptr);
// Appends the entries of a HAR file (Chrome, Firefox, mitmproxy, Playwright) to `store`.
Result<ConversionReport> import_har(const std::filesystem::path& har, const std::filesystem::path& store);

}  // namespace flowscope::cli
