#include "gui/model/flow_pair_diff.hpp"

#include <strings.h>

#include "core/compare/flow_diff.hpp"
#include "core/compare/json_path.hpp"

namespace flowscope::gui {
namespace {

using Section = DiffRow::Section;

void add(std::vector<DiffRow>& rows, Section section, std::string name, std::string left,
         std::string right) {
  const bool changed = left != right;
  rows.push_back(DiffRow{.section = section, .name = std::move(name), .left = std::move(left),
                         .right = std::move(right), .changed = changed});
}

std::string joined(const http::Headers& headers, std::string_view name) {
  std::string out;
  for (std::string_view value : headers.find_all(name)) {
    if (!out.empty()) out += "\n";
    out += value;
  }
  return out;
}

// Every header name either side has, once, in the order they first appear (left first).
void header_rows(std::vector<DiffRow>& rows, Section section, const http::Headers& left,
                 const http::Headers& right) {
  std::vector<std::string> names;
  auto note = [&names](const http::Headers& headers) {
    for (const http::Header& header : headers.items) {
      bool seen = false;
      for (const std::string& name : names)
        seen = seen || strcasecmp(name.c_str(), header.name.c_str()) == 0;
      if (!seen) names.push_back(header.name);
    }
  };
  note(left);
  note(right);
  for (const std::string& name : names) add(rows, section, name, joined(left, name), joined(right, name));
}

std::string digest_text(const compare::BodyDigest& digest) {
  if (digest.size == 0) return "(empty)";
  return std::to_string(digest.size) + " bytes, sha256 " + digest.sha256.substr(0, 12) +
         (digest.truncated ? " (truncated)" : "");
}

void body_rows(std::vector<DiffRow>& rows, Section section, const compare::BodyDiff& diff) {
  if (diff.as_json) {
    for (const compare::FieldChange& change : diff.fields.changes)
      rows.push_back(DiffRow{.section = section, .name = compare::format_path(change.path),
                             .left = change.kind == compare::ChangeKind::kAdded ? "" : change.before,
                             .right = change.kind == compare::ChangeKind::kRemoved ? "" : change.after,
                             .changed = true});
    if (diff.fields.not_listed > 0)
      rows.push_back(DiffRow{.section = section,
                             .name = std::to_string(diff.fields.not_listed) + " more fields differ",
                             .left = "", .right = "", .changed = true});
    if (diff.fields.empty()) add(rows, section, "body", "same JSON", "same JSON");
    return;
  }
  rows.push_back(DiffRow{.section = section, .name = "body", .left = digest_text(diff.before),
                         .right = digest_text(diff.after), .changed = diff.differs});
}

}  // namespace

std::vector<DiffRow> flow_pair_diff(const flow::Flow& left, const flow::Flow& right) {
  std::vector<DiffRow> rows;
  add(rows, Section::kRequest, "method", left.request.method, right.request.method);
  add(rows, Section::kRequest, "url", left.request.url, right.request.url);
  header_rows(rows, Section::kRequestHeader, left.request.headers, right.request.headers);

  // No ignore rules: the view shows every difference; dates and ids included.
  const compare::CompareOptions options{};
  const http::Headers none;
  body_rows(rows, Section::kRequestBody,
            compare::compare_bodies(left.request.body, left.request.headers, right.request.body,
                                    right.request.headers, options));

  auto status = [](const flow::Flow& flow) {
    if (flow.response) return std::to_string(flow.response->status) + " " + flow.response->reason;
    return flow.error.empty() ? std::string("(no response)") : "failed: " + flow.error;
  };
  add(rows, Section::kResponse, "status", status(left), status(right));
  header_rows(rows, Section::kResponseHeader, left.response ? left.response->headers : none,
              right.response ? right.response->headers : none);
  const flow::Body empty_body;
  body_rows(rows, Section::kResponseBody,
            compare::compare_bodies(left.response ? left.response->body : empty_body,
                                    left.response ? left.response->headers : none,
                                    right.response ? right.response->body : empty_body,
                                    right.response ? right.response->headers : none, options));
  return rows;
}

}  // namespace flowscope::gui
