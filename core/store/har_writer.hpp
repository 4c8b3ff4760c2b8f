#pragma once
// HAR 1.2 export (docs/har.md has the field mapping). HarWriter streams: the log's
// opening is written at open(), each flow becomes one entry as it is added, and
// finish() closes the document, so memory stays flat however many flows there are.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/flow/flow.hpp"
#include "core/result.hpp"

namespace flowscope::store {

struct CreatorInfo {
  std::string name = "flowscope";
  std::string version = "0.1.0";
};

// Undoes a Content-Encoding ("gzip", "br", "gzip, br", ...) for response.content.
// An error means "not decodable": the entry then carries the body as recorded.
using ContentDecoder =
    std::function<Result<std::string>(std::string_view body, std::string_view content_encoding)>;

struct HarOptions {
  CreatorInfo creator;
  // Empty: no decoding; response.content is the body as it was on the wire.
  ContentDecoder decode_content;
  // Blind CONNECT tunnels carry no HTTP exchange; some HAR viewers show them as
  // failed requests, so callers may leave them out.
  bool include_tunnels = true;
};

// A CONNECT entry's URL is "tunnel://host:port": HAR requires a URI.
inline constexpr std::string_view kTunnelUrlPrefix = "tunnel://";

// One flow as one HAR entry object, keys in HAR's documented order.
nlohmann::ordered_json har_entry(const flow::Flow& flow, const HarOptions& options = {});

class HarWriter {
 public:
  // Writes the log's opening to `out`, which must outlive the writer.
  static Result<HarWriter> open(std::ostream& out, HarOptions options = {});
  // Creates (or truncates) the file at `path`.
  static Result<HarWriter> open(const std::filesystem::path& path, HarOptions options = {});

  HarWriter(HarWriter&&) noexcept;
  HarWriter& operator=(HarWriter&&) noexcept;
  // Finishes the document if finish() was not called, ignoring errors: a writer
  // abandoned on an error path still leaves valid JSON behind.
  ~HarWriter();

  Result<void> add(const flow::Flow& flow);
  // Closes the entries array and the log; the file, if the writer owns one, is
  // flushed and closed. Calling it again does nothing.
  Result<void> finish();

  std::size_t entry_count() const;

 private:
  struct State;
  explicit HarWriter(std::unique_ptr<State> state);
  Result<void> write(std::string_view bytes);

  std::unique_ptr<State> state_;
};

}  // namespace flowscope::store
