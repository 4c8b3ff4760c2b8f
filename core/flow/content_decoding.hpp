#pragma once
// Undoes Content-Encoding for display and HAR. Stored bodies stay as they were on the
// wire; this is applied on the way out.
#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace flowscope::flow {

inline constexpr std::size_t kDefaultMaxDecodedSize = 64 * 1024 * 1024;

// `content_encoding` is the Content-Encoding field value; several fields should be
// joined with ", " (RFC 9110 §5.3). Codings are listed in the order they were applied
// and are undone in reverse: "gzip, br" means brotli(gzip(body)). Handles gzip,
// x-gzip, deflate (zlib-wrapped, and the raw deflate some servers send), br, zstd and
// identity, case-insensitively. Unknown codings, corrupt or truncated data, and output
// beyond `max_output` bytes (checked after every stage) are errors, never crashes.
Result<std::string> decode_content(std::string_view body, std::string_view content_encoding,
                                   std::size_t max_output = kDefaultMaxDecodedSize);

}  // namespace flowscope::flow
