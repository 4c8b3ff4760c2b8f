#include "core/compare/flow_diff.hpp"

#include <algorithm>

#include "core/compare/sha256.hpp"
#include "core/filter/flow_facts.hpp"

namespace flowscope::compare {

namespace {

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::vector<std::string> values_of(const http::Headers& headers, std::string_view name) {
  std::vector<std::string> values;
  for (std::string_view value : headers.find_all(name)) values.emplace_back(value);
  return values;
}

// A whole body that parses as JSON; a discarded value otherwise.
nlohmann::json parse_whole_json(const flow::Body& body, std::string_view decoded) {
  if (body.truncated || decoded.empty()) return nlohmann::json(nlohmann::json::value_t::discarded);
  return nlohmann::json::parse(decoded, nullptr, /*allow_exceptions=*/false);
}

BodyDigest digest_decoded(const flow::Body& body, std::string_view decoded) {
  return BodyDigest{body.truncated ? body.size : decoded.size(), sha256_hex(decoded),
                    body.truncated};
}

}  // namespace

Result<CompareOptions> make_compare_options(const std::vector<std::string>& ignore_headers,
                                            const std::vector<std::string>& ignore_fields,
                                            bool default_ignores) {
  auto rules = HeaderRules::make(ignore_headers, default_ignores);
  if (!rules) return std::unexpected(rules.error());
  CompareOptions options{std::move(*rules), {}};
  for (const std::string& text : ignore_fields) {
    auto pattern = FieldPattern::parse(text);
    if (!pattern) return std::unexpected(pattern.error());
    options.ignored_fields.push_back(std::move(*pattern));
  }
  return options;
}

BodyDigest digest_body(const flow::Body& body, const http::Headers& headers) {
  std::string scratch;
  return digest_decoded(body, filter::decoded_body(body, headers, scratch));
}

BodyDiff compare_bodies(const flow::Body& before, const http::Headers& before_headers,
                        const flow::Body& after, const http::Headers& after_headers,
                        const CompareOptions& options) {
  std::string before_scratch, after_scratch;
  const std::string_view before_bytes =
      filter::decoded_body(before, before_headers, before_scratch);
  const std::string_view after_bytes = filter::decoded_body(after, after_headers, after_scratch);
  BodyDiff diff;
  diff.before = digest_decoded(before, before_bytes);
  diff.after = digest_decoded(after, after_bytes);
  const nlohmann::json before_json = parse_whole_json(before, before_bytes);
  const nlohmann::json after_json = parse_whole_json(after, after_bytes);
  if (!before_json.is_discarded() && !after_json.is_discarded()) {
    diff.as_json = true;
    diff.fields = diff_json(before_json, after_json, options.ignored_fields);
    diff.differs = !diff.fields.empty();
  } else {
    diff.differs = diff.before.size != diff.after.size || diff.before.sha256 != diff.after.sha256 ||
                   diff.before.truncated != diff.after.truncated;
  }
  return diff;
}

std::vector<HeaderChange> compare_headers(const http::Headers& before, const http::Headers& after,
                                          const HeaderRules& rules) {
  // Every name once, in the order the two sides first use it, spelt as first seen.
  std::vector<std::pair<std::string, std::string>> names;  // lower-case, as spelt
  for (const http::Headers* side : {&before, &after}) {
    for (const http::Header& header : side->items) {
      std::string lower = ascii_lower(header.name);
      if (std::none_of(names.begin(), names.end(),
                       [&](const auto& n) { return n.first == lower; })) {
        names.emplace_back(std::move(lower), header.name);
      }
    }
  }
  std::vector<HeaderChange> changes;
  for (const auto& [lower, spelt] : names) {
    if (rules.ignored(spelt)) continue;
    auto before_values = values_of(before, spelt);
    auto after_values = values_of(after, spelt);
    if (before_values != after_values)
      changes.push_back({spelt, std::move(before_values), std::move(after_values)});
  }
  return changes;
}

ExchangeDiff compare_exchanges(const flow::Flow& before, const flow::Flow& after,
                               const CompareOptions& options) {
  ExchangeDiff diff;
  if (before.response) diff.status_before = before.response->status;
  if (after.response) diff.status_after = after.response->status;
  diff.error_before = before.error;
  diff.error_after = after.error;
  diff.request.headers =
      compare_headers(before.request.headers, after.request.headers, options.headers);
  diff.request.body = compare_bodies(before.request.body, before.request.headers,
                                     after.request.body, after.request.headers, options);
  static const flow::Response kNoResponse;
  const flow::Response& before_response = before.response ? *before.response : kNoResponse;
  const flow::Response& after_response = after.response ? *after.response : kNoResponse;
  diff.response.headers =
      compare_headers(before_response.headers, after_response.headers, options.headers);
  diff.response.body = compare_bodies(before_response.body, before_response.headers,
                                      after_response.body, after_response.headers, options);
  return diff;
}

}  // namespace flowscope::compare
