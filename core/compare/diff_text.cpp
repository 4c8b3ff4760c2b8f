#include "core/compare/diff_text.hpp"

#include <algorithm>

#include "core/flow/terminal_colour.hpp"

namespace flowscope::compare {

namespace {

std::string status_text(const std::optional<int>& status) {
  return status ? std::to_string(*status) : "none";
}

// An error on one line: the first line of it, "none" for no error.
std::string error_text(const std::string& error) {
  if (error.empty()) return "none";
  return error.substr(0, error.find('\n'));
}

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& value : values) {
    if (!out.empty()) out += ", ";
    out += value;
  }
  return out;
}

void header_lines(const char* side, const std::vector<HeaderChange>& changes,
                  std::vector<std::string>& out) {
  for (const HeaderChange& change : changes) {
    std::string line = std::string(side) + " header " + change.name + ": ";
    if (change.before.empty()) {
      line += "added " + joined(change.after);
    } else if (change.after.empty()) {
      line += "removed " + joined(change.before);
    } else {
      line += joined(change.before) + " → " + joined(change.after);
    }
    out.push_back(std::move(line));
  }
}

void body_lines(const char* side, const BodyDiff& body, std::size_t max_fields,
                std::vector<std::string>& out) {
  if (!body.differs) return;
  const std::string prefix = std::string(side) + " body";
  if (!body.as_json) {
    out.push_back(prefix + ": " + digest_text(body.before) + " → " + digest_text(body.after));
    return;
  }
  const std::size_t listed = std::min(body.fields.changes.size(), max_fields);
  for (std::size_t i = 0; i < listed; ++i) {
    out.push_back(prefix + " " + field_change_text(body.fields.changes[i]));
  }
  const std::size_t more = body.fields.changes.size() - listed + body.fields.not_listed;
  if (more > 0) out.push_back(prefix + ": … " + std::to_string(more) + " more fields");
}

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

std::string field_change_text(const FieldChange& change) {
  const std::string path = format_path(change.path) + ": ";
  switch (change.kind) {
    case ChangeKind::kAdded:
      return path + "added " + change.after;
    case ChangeKind::kRemoved:
      return path + "removed " + change.before;
    case ChangeKind::kChanged:
      break;
  }
  return path + change.before + " → " + change.after;
}

std::string digest_text(const BodyDigest& digest) {
  std::string text = std::to_string(digest.size) + " B, sha256 " + digest.sha256.substr(0, 12);
  if (digest.truncated) text += " (truncated)";
  return text;
}

std::vector<std::string> change_lines(const ExchangeDiff& diff, std::size_t max_fields) {
  std::vector<std::string> lines;
  if (diff.status_before != diff.status_after) {
    lines.push_back("status: " + status_text(diff.status_before) + " → " +
                    status_text(diff.status_after));
  }
  if (diff.error_before != diff.error_after) {
    lines.push_back("error: " + error_text(diff.error_before) + " → " +
                    error_text(diff.error_after));
    // One side failed: its headers and body are the proxy's error answer, not the
    // origin's, so their differences would only repeat the failure.
    return lines;
  }
  header_lines("request", diff.request.headers, lines);
  body_lines("request", diff.request.body, max_fields, lines);
  header_lines("response", diff.response.headers, lines);
  body_lines("response", diff.response.body, max_fields, lines);
  return lines;
}

std::string format_recording_diff(const RecordingDiff& diff, const std::vector<flow::Flow>& before,
                                  const std::vector<flow::Flow>& after,
                                  const DiffTextOptions& options) {
  auto marked = [&](std::string_view colour, char mark, const std::string& label) {
    std::string line = std::string(1, mark) + " " + label;
    return (options.colour ? flow::ansi::paint(colour, line) : line) + "\n";
  };
  std::string out;
  // Removed and changed requests in the first recording's order.
  auto removed = diff.removed.begin();
  for (const PairedExchange& pair : diff.paired) {
    for (; removed != diff.removed.end() && removed->index < pair.before; ++removed) {
      out += marked(flow::ansi::kRed, '-',
                    exchange_label(before[removed->index], removed->occurrence));
    }
    if (!pair.diff.changed()) continue;
    out += marked(flow::ansi::kYellow, '~', exchange_label(before[pair.before], pair.occurrence));
    for (const std::string& line : change_lines(pair.diff, options.max_fields))
      out += "    " + line + "\n";
  }
  for (; removed != diff.removed.end(); ++removed) {
    out +=
        marked(flow::ansi::kRed, '-', exchange_label(before[removed->index], removed->occurrence));
  }
  for (const UnpairedExchange& added : diff.added) {
    out += marked(flow::ansi::kGreen, '+', exchange_label(after[added.index], added.occurrence));
  }

  const std::size_t changed = diff.changed();
  if (diff.equal()) {
    out += "no differences: " + plural(diff.paired.size(), "request", "requests") + " in both\n";
  } else {
    out += std::to_string(changed) + " changed, " + std::to_string(diff.removed.size()) +
           " removed, " + std::to_string(diff.added.size()) + " added, " +
           std::to_string(diff.paired.size() - changed) + " equal\n";
  }
  return out;
}

}  // namespace flowscope::compare
