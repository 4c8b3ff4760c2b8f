#pragma once
// gui::FlowRow: what one line of the flow table shows, computed once when its flow
// arrives or changes, so drawing and sorting 100,000 rows never re-parse a URL or
// search headers.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/flow/flow.hpp"

namespace flowscope::gui {

enum class RowState { kPending, kDone, kFailed, kTunnel };

struct FlowRow {
  std::string id;
  std::uint64_t number = 0;  // 1-based arrival order (the # column)
  std::int64_t started_us = 0;
  std::string method, host, path;  // path: origin-form, query included
  int status = 0;                  // 0: none yet
  std::string type;                // short content type of the response ("json", "html", "png", …)
  std::uint64_t request_size = 0, response_size = 0;
  double duration_ms = -1;  // -1 while pending
  RowState state = RowState::kPending;
  std::string replay_of;
  std::string error;
};

// `finished` is false for a flow known only from live events: its row is pending
// (whatever has arrived of it) until the finished flow replaces it.
FlowRow make_row(const flow::Flow& flow, std::uint64_t number, bool finished = true);

// "application/json; charset=utf-8" -> "json", "image/svg+xml" -> "svg",
// "application/vnd.api+json" -> "json", "text/javascript" -> "js"; "" for "".
std::string short_content_type(std::string_view content_type);

// The origin-form part of an absolute URL ("/a/b?q", "/" when there is no path);
// a URL without "://" is returned whole.
std::string_view url_path(std::string_view url);

}  // namespace flowscope::gui
