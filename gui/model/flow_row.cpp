#include "gui/model/flow_row.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "core/filter/flow_facts.hpp"

namespace flowscope::gui {

namespace {

std::string lower_trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Subtypes whose own name says less than a familiar short one.
constexpr std::array<std::pair<std::string_view, std::string_view>, 11> kRenamed{{
    {"javascript", "js"},
    {"x-javascript", "js"},
    {"ecmascript", "js"},
    {"plain", "text"},
    {"x-www-form-urlencoded", "form"},
    {"octet-stream", "binary"},
    {"svg+xml", "svg"},
    {"event-stream", "sse"},
    {"grpc+proto", "grpc"},
    {"grpc-web+proto", "grpc-web"},
    {"x-ndjson", "ndjson"},
}};

}  // namespace

std::string short_content_type(std::string_view content_type) {
  std::string type = lower_trimmed(content_type.substr(0, content_type.find(';')));
  const std::size_t slash = type.find('/');
  if (slash == std::string::npos) return type;
  if (type.compare(0, slash, "multipart") == 0) return "multipart";
  std::string_view subtype = std::string_view(type).substr(slash + 1);
  for (const auto& [from, to] : kRenamed)
    if (subtype == from) return std::string(to);
  // A structured syntax suffix (RFC 6839) says how to read it: vnd.github+json is JSON.
  if (auto plus = subtype.rfind('+'); plus != std::string_view::npos && plus + 1 < subtype.size())
    return std::string(subtype.substr(plus + 1));
  if (subtype.starts_with("x-") && subtype.size() > 2) subtype.remove_prefix(2);
  return std::string(subtype);
}

std::string_view url_path(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return url;
  const std::size_t authority = scheme_end + 3;
  const std::size_t path = url.find_first_of("/?#", authority);
  if (path == std::string_view::npos) return "/";
  std::string_view rest = url.substr(path);
  rest = rest.substr(0, rest.find('#'));
  return rest.empty() ? std::string_view("/") : rest;
}

FlowRow make_row(const flow::Flow& flow, std::uint64_t number, bool finished) {
  FlowRow row;
  row.id = flow.id;
  row.number = number;
  row.started_us = flow.started_us;
  row.method = flow.request.method;
  row.host = std::string(filter::flow_host(flow));
  row.replay_of = flow.replay_of;
  row.error = flow.error;
  if (flow.tunnel) {
    row.type = flow.tunnel->protocol.empty() ? "tunnel" : flow.tunnel->protocol;
    row.request_size = flow.tunnel->bytes_from_client;
    row.response_size = flow.tunnel->bytes_from_server;
  } else {
    row.path = std::string(url_path(flow.request.url));
    row.request_size = flow.request.body.size;
    if (flow.response) {
      row.status = flow.response->status;
      row.response_size = flow.response->body.size;
      if (const std::string* type = flow.response->headers.find("Content-Type")) row.type = short_content_type(*type);
    }
    if (flow.websocket) row.type = "websocket";
  }
  if (!finished) {
    row.state = RowState::kPending;
    return row;
  }
  row.duration_ms = filter::total_duration_ms(flow);
  if (!flow.error.empty()) row.state = RowState::kFailed;
  else if (flow.tunnel) row.state = RowState::kTunnel;
  else row.state = RowState::kDone;
  return row;
}

}  // namespace flowscope::gui
