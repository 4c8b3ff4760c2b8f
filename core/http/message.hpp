#pragma once
// HTTP/1.x message heads. Header order and duplicates are kept exactly as received,
// because a debugging proxy must show (and forward) what was on the wire.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flowscope::http {

bool iequals(std::string_view a, std::string_view b);

// The comma-separated elements of a list header value (RFC 9110 §5.6.1), trimmed
// of whitespace; empty elements are skipped.
std::vector<std::string_view> split_list(std::string_view value);

struct Header {
  std::string name;
  std::string value;
};

class Headers {
 public:
  std::vector<Header> items;

  // First value of `name` (case-insensitive), or nullptr.
  const std::string* find(std::string_view name) const;
  std::vector<std::string_view> find_all(std::string_view name) const;
  void add(std::string name, std::string value);
  // Replaces every `name` header by one with `value`, at the first one's position.
  void set(std::string_view name, std::string value);
  std::size_t remove(std::string_view name);
  // True when a comma-separated header such as Connection lists `token`.
  bool has_token(std::string_view name, std::string_view token) const;
  bool empty() const { return items.empty(); }
};

// How a message body is delimited on the wire (RFC 9112 §6).
enum class BodyFraming { kNone, kContentLength, kChunked, kUntilClose };

struct RequestHead {
  std::string method;
  std::string target;
  int version_major = 1;
  int version_minor = 1;
  Headers headers;
  BodyFraming framing = BodyFraming::kNone;
  std::uint64_t content_length = 0;

  std::string version() const;
};

struct ResponseHead {
  int status = 0;
  std::string reason;
  int version_major = 1;
  int version_minor = 1;
  Headers headers;
  BodyFraming framing = BodyFraming::kNone;
  std::uint64_t content_length = 0;

  std::string version() const;
};

}  // namespace flowscope::http
