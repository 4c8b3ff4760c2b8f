#include "core/compare/replay_report.hpp"

#include <algorithm>
#include <array>

#include "core/compare/diff_text.hpp"
#include "core/compare/recording_diff.hpp"
#include "core/flow/console_sink.hpp"
#include "core/flow/terminal_colour.hpp"

namespace flowscope::compare {

namespace {

constexpr std::size_t kRequestColumn = 60;  // a longer METHOD URL is cut with "…"

// Terminal columns of UTF-8 text: one per code point ("→" and "…" are one each).
std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string cut(std::string text, std::size_t columns) {
  if (display_width(text) <= columns) return text;
  std::size_t kept = 0, end = 0;
  while (end < text.size() && kept < columns - 1) {
    ++end;
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
    ++kept;
  }
  text.resize(end);
  return text + "…";
}

std::string padded(const std::string& text, std::size_t columns) {
  const std::size_t width = display_width(text);
  return width >= columns ? text : text + std::string(columns - width, ' ');
}

std::string before_after(const std::string& before, const std::string& after) {
  return before == after ? before : before + " → " + after;
}

std::string status_cell(const ReplayComparison& c) {
  auto status = [](const std::optional<int>& s, const std::string& error) {
    if (s) return std::to_string(*s);
    return std::string(error.empty() ? "none" : "failed");
  };
  if (!c.sent()) return "not sent";
  return before_after(status(c.diff.status_before, c.diff.error_before),
                      status(c.diff.status_after, c.diff.error_after));
}

std::string verdict(const ReplayComparison& c) {
  if (!c.sent()) return "not sent: " + c.not_sent;
  if (c.changed()) return "changed";
  if (c.headers_only()) return "headers differ";
  return "same";
}

}  // namespace

ReplayComparison compare_replay(std::size_t index, const flow::Flow& original,
                                const flow::Flow* replay, std::string not_sent,
                                const CompareOptions& options) {
  ReplayComparison c;
  c.index = index;
  c.original = &original;
  c.replay = replay;
  c.not_sent = std::move(not_sent);
  if (replay) c.diff = compare_exchanges(original, *replay, options);
  return c;
}

ReplayTotals total(const std::vector<ReplayComparison>& comparisons) {
  ReplayTotals t;
  for (const auto& c : comparisons) {
    if (!c.sent()) {
      ++t.not_sent;
      continue;
    }
    ++t.replayed;
    if (c.changed()) {
      ++t.changed;
    } else if (c.headers_only()) {
      ++t.headers_only;
    } else {
      ++t.same;
    }
  }
  return t;
}

std::string replay_line(const ReplayComparison& c, std::size_t total) {
  std::string line = "[" + std::to_string(c.index + 1) + "/" + std::to_string(total) + "] ";
  line += c.sent() ? flow::summary_line(*c.replay) : exchange_label(*c.original);
  return line + ": " + verdict(c);
}

std::string progress_bar(std::size_t done, std::size_t total, std::size_t changed,
                         std::size_t width) {
  const std::size_t filled = total == 0 ? width : done * width / total;
  return "[" + std::string(filled, '#') + std::string(width - filled, '.') + "] " +
         std::to_string(done) + "/" + std::to_string(total) + " replayed, " +
         std::to_string(changed) + " changed";
}

std::string replay_table(const std::vector<ReplayComparison>& comparisons,
                         const ReplayTableOptions& options) {
  using Row = std::array<std::string, 5>;
  std::vector<Row> rows;
  std::vector<const ReplayComparison*> listed;
  for (const auto& c : comparisons) {
    if (c.sent() && !c.diff.changed()) continue;
    const BodyDigest& before = c.diff.response.body.before;
    const BodyDigest& after = c.diff.response.body.after;
    rows.push_back(Row{
        std::to_string(c.index + 1), cut(exchange_label(*c.original), kRequestColumn),
        status_cell(c),
        c.sent() ? before_after(before.sha256.substr(0, 12), after.sha256.substr(0, 12)) : "",
        c.sent()
            ? before_after(std::to_string(before.size) + " B", std::to_string(after.size) + " B")
            : ""});
    listed.push_back(&c);
  }

  std::string out;
  if (!rows.empty()) {
    const Row header{"#", "request", "status", "response body sha256", "size"};
    std::array<std::size_t, 5> widths{};
    for (std::size_t i = 0; i < widths.size(); ++i) widths[i] = display_width(header[i]);
    for (const Row& row : rows)
      for (std::size_t i = 0; i < widths.size(); ++i)
        widths[i] = std::max(widths[i], display_width(row[i]));
    auto format_row = [&](const Row& row) {
      std::string line;
      for (std::size_t i = 0; i < row.size(); ++i) {
        line += i + 1 < row.size() ? padded(row[i], widths[i]) + "  " : row[i];
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      return line;
    };
    out += (options.colour ? flow::ansi::paint(flow::ansi::kBold, format_row(header))
                           : format_row(header)) +
           "\n";
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const ReplayComparison& c = *listed[r];
      const std::string line = format_row(rows[r]);
      const auto colour = !c.sent() || c.changed() ? flow::ansi::kRed : flow::ansi::kYellow;
      out += (options.colour ? flow::ansi::paint(colour, line) : line) + "\n";
      const std::string indent(widths[0] + 2, ' ');
      if (!c.sent()) {
        out += indent + c.not_sent + "\n";
        continue;
      }
      for (const std::string& change : change_lines(c.diff, options.max_fields))
        out += indent + change + "\n";
    }
  }
  const ReplayTotals t = total(comparisons);
  out += "replayed " + std::to_string(t.replayed) + " of " + std::to_string(comparisons.size()) +
         ": " + std::to_string(t.same) + " same, " + std::to_string(t.changed) + " changed, " +
         std::to_string(t.headers_only) + " with header changes only, " +
         std::to_string(t.not_sent) + " not sent\n";
  return out;
}

}  // namespace flowscope::compare
