#include "core/redact/redactor.hpp"

#include "core/redact/body_fields.hpp"
#include "core/redact/form_fields.hpp"
#include "core/redact/header_values.hpp"

namespace flowscope::redact {

namespace {

// Exact names (anchored), so "Cookie" does not take "X-Cookie-Consent" along.
const std::vector<std::string> kSecretHeaders = {"^authorization$", "^proxy-authorization$", "^cookie$",
                                                 "^set-cookie$", "^x-api-key$"};
// Found anywhere in a name: "access_token", "api_key", "client_secret", "X-Amz-Signature".
const std::vector<std::string> kSecretWords = {"token", "key", "secret", "password", "sig"};

std::vector<std::string> joined(const std::vector<std::string>& built_in, const std::vector<std::string>& added) {
  std::vector<std::string> all = built_in;
  all.insert(all.end(), added.begin(), added.end());
  return all;
}

// Builds the redacted copy only once there is something to change in it.
class Edit {
 public:
  explicit Edit(const flow::Flow& original) : original_(original) {}

  flow::Flow& writable() {
    if (!copy_) copy_.emplace(original_);
    return *copy_;
  }

  std::optional<flow::Flow> finish() {
    if (copy_) copy_->redactions.insert(copy_->redactions.end(), notes_.begin(), notes_.end());
    return std::move(copy_);
  }

  std::vector<flow::Redaction>& notes() { return notes_; }

 private:
  const flow::Flow& original_;
  std::optional<flow::Flow> copy_;
  std::vector<flow::Redaction> notes_;
};

}  // namespace

Result<Redactor> Redactor::compile(const RedactRules& rules) {
  Redactor redactor;
  auto headers = NameMatcher::compile(joined(kSecretHeaders, rules.headers), "--redact-header");
  if (!headers) return std::unexpected(headers.error());
  auto params = NameMatcher::compile(joined(kSecretWords, rules.params), "--redact-param");
  if (!params) return std::unexpected(params.error());
  auto fields = NameMatcher::compile(joined(kSecretWords, rules.fields), "--redact-field");
  if (!fields) return std::unexpected(fields.error());
  redactor.headers_ = std::move(*headers);
  redactor.params_ = std::move(*params);
  redactor.fields_ = std::move(*fields);
  return redactor;
}

std::optional<flow::Flow> Redactor::redacted(const flow::Flow& flow) const {
  Edit edit(flow);
  auto& notes = edit.notes();

  // Headers of one side: secret ones whole; a URL header's secret parameters.
  auto headers = [&](const http::Headers& original, flow::RedactionPlace where, std::string_view url_header,
                     auto writable_headers) {
    for (std::size_t i = 0; i < original.items.size(); ++i) {
      const http::Header& header = original.items[i];
      if (header.value.empty()) continue;
      if (headers_.matches(header.name)) {
        notes.push_back(flow::Redaction{where, header.name, header.value.size(), {}});
        writable_headers().items[i].value = redacted_header_value(header.name, header.value);
      } else if (http::iequals(header.name, url_header)) {
        if (auto value = redact_url_query(header.value, params_, where, header.name + "?", notes)) {
          writable_headers().items[i].value = std::move(*value);
        }
      }
    }
  };
  // A secret field of one body; the body may be stored decoded (see body_fields.hpp).
  auto body = [&](const flow::Body& original, const http::Headers& original_headers, flow::RedactionPlace where,
                  auto writable_message) {
    auto redacted_body = redact_body(original, original_headers, fields_, where, notes);
    if (!redacted_body) return;
    auto& message = writable_message();
    message.body.data = std::move(redacted_body->data);
    if (redacted_body->dropped) {
      message.body.truncated = message.body.size > 0;
    } else if (!redacted_body->content_encoding.empty()) {
      message.headers.remove("Content-Encoding");
    }
  };

  headers(flow.request.headers, flow::RedactionPlace::kRequestHeader, "Referer",
          [&]() -> http::Headers& { return edit.writable().request.headers; });
  if (auto url = redact_url_query(flow.request.url, params_, flow::RedactionPlace::kQuery, "", notes)) {
    edit.writable().request.url = std::move(*url);
  }
  body(flow.request.body, flow.request.headers, flow::RedactionPlace::kRequestBody,
       [&]() -> flow::Request& { return edit.writable().request; });
  if (flow.response) {
    headers(flow.response->headers, flow::RedactionPlace::kResponseHeader, "Location",
            [&]() -> http::Headers& { return edit.writable().response->headers; });
    body(flow.response->body, flow.response->headers, flow::RedactionPlace::kResponseBody,
         [&]() -> flow::Response& { return *edit.writable().response; });
  }
  return edit.finish();
}

void Redactor::redact(flow::Flow& flow) const {
  if (auto redacted_flow = redacted(flow)) flow = std::move(*redacted_flow);
}

}  // namespace flowscope::redact
