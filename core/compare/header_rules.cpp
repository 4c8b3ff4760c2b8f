#include "core/compare/header_rules.hpp"

#include <array>

#include "core/http/message.hpp"

namespace flowscope::compare {

namespace {

constexpr std::array<std::string_view, 25> kDefaultIgnored = {
    // the clock
    "Date", "Expires", "Age", "Last-Modified", "ETag",
    // sessions
    "Cookie", "Set-Cookie",
    // framing: the body comparison covers the length, and a replay frames its own way
    "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Proxy-Connection",
    // per-request ids and timing
    "X-Request-Id", "X-Correlation-Id", "Request-Id", "X-Amzn-RequestId", "X-Amzn-Trace-Id",
    "X-Amz-Cf-Id", "X-Amz-Request-Id", "CF-Ray", "Traceparent", "Tracestate", "Server-Timing",
    "X-Runtime", "X-Response-Time"};

}  // namespace

std::span<const std::string_view> default_ignored_headers() {
  return kDefaultIgnored;
}

Result<HeaderRules> HeaderRules::make(const std::vector<std::string>& ignore_patterns,
                                      bool default_ignores) {
  HeaderRules rules;
  rules.default_ignores_ = default_ignores;
  for (const std::string& text : ignore_patterns) {
    if (text.empty())
      return fail("--ignore-header needs a pattern, e.g. --ignore-header '^x-trace'");
    auto pattern = filter::TextPattern::compile(text);
    if (!pattern) return fail("--ignore-header " + text + ": " + pattern.error().message);
    rules.patterns_.push_back(std::move(*pattern));
  }
  return rules;
}

bool HeaderRules::ignored(std::string_view name) const {
  if (default_ignores_) {
    for (std::string_view known : kDefaultIgnored)
      if (http::iequals(known, name)) return true;
  }
  for (const auto& pattern : patterns_)
    if (pattern.search(name)) return true;
  return false;
}

}  // namespace flowscope::compare
