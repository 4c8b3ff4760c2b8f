#include "core/flow/flow_details.hpp"

#include <algorithm>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/flow/console_sink.hpp"
#include "core/flow/content_decoding.hpp"
#include "core/flow/terminal_colour.hpp"
#include "core/flow/utf8.hpp"

namespace flowscope::flow {

namespace {

constexpr std::size_t kHexPreviewBytes = 16;

std::string joined_codings(const http::Headers& headers) {
  std::string joined;
  for (std::string_view coding : headers.find_all("Content-Encoding")) {
    if (!joined.empty()) joined += ", ";
    joined += coding;
  }
  return joined;
}

bool says_json(const http::Headers& headers) {
  const std::string* type = headers.find("Content-Type");
  return type && type->find("json") != std::string::npos;
}

bool starts_like_json(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && (text[first] == '{' || text[first] == '[');
}

// Pretty JSON when the whole body parses, keys in the order they came; empty otherwise.
std::string pretty_json(std::string_view text) {
  const auto value = nlohmann::ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return {};
  return value.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string hex_prefix(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < std::min(bytes.size(), kHexPreviewBytes); ++i) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  if (bytes.size() > kHexPreviewBytes) out += "…";
  return out;
}

// Each line of `text` after `prefix`; a last line without '\n' gets one.
void append_prefixed(std::string& out, std::string_view prefix, std::string_view text) {
  while (!text.empty()) {
    const auto end = text.find('\n');
    out.append(prefix).append(text.substr(0, end)).append("\n");
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

std::string header_block(std::string_view first_line, const http::Headers& headers) {
  std::string block(first_line);
  block += "\n";
  for (const http::Header& header : headers.items)
    block += header.name + ": " + header.value + "\n";
  return block;
}

}  // namespace

std::string body_for_terminal(const Body& body, const http::Headers& headers) {
  if (body.data.empty()) {
    return body.size == 0 ? std::string()
                          : "[" + std::to_string(body.size) + " B body, not recorded]\n";
  }
  std::string out;
  std::string decoded;
  std::string_view bytes = body.data;
  const std::string codings = joined_codings(headers);
  if (!codings.empty()) {
    if (auto undone = decode_content(body.data, codings)) {
      decoded = std::move(*undone);
      bytes = decoded;
    } else if (!body_reads_as_text(body.data)) {
      // Text that does not decode was most likely decoded already (HAR keeps decoded
      // content under the original Content-Encoding); anything else is worth a word.
      out += "[Content-Encoding " + codings + " not undone: " + undone.error().message + "]\n";
    }
  }
  if (body_reads_as_text(bytes)) {
    std::string pretty;
    if (!body.truncated && (says_json(headers) || starts_like_json(bytes)))
      pretty = pretty_json(bytes);
    if (!pretty.empty()) {
      out += pretty;
    } else {
      out.append(bytes);
      if (out.back() != '\n') out += "\n";
    }
  } else {
    const std::string* type = headers.find("Content-Type");
    out += "[binary body: " + std::to_string(bytes.size()) + " B" +
           (type ? ", " + *type : std::string()) + ", starts " + hex_prefix(bytes) + "]\n";
  }
  if (body.truncated) {
    out += "[truncated: " + std::to_string(body.data.size()) + " of " + std::to_string(body.size) +
           " B recorded (--body-limit)]\n";
  }
  return out;
}

std::string flow_details(const Flow& flow, const DetailOptions& options) {
  auto dim = [&](std::string_view text) {
    return options.colour ? ansi::paint(ansi::kDim, text) : std::string(text);
  };
  const std::string summary = summary_line(flow);
  std::string out =
      (options.colour ? ansi::paint(ansi::flow_colour(flow), summary) : summary) + "\n";
  if (flow.tunnel) return out;

  const std::string to_origin = dim("> ");
  const std::string from_origin = dim("< ");
  const Request& request = flow.request;
  append_prefixed(out, to_origin,
                  header_block(request.method + " " + request.url + " " + request.http_version,
                               request.headers));
  if (const std::string body = body_for_terminal(request.body, request.headers); !body.empty()) {
    append_prefixed(out, to_origin, "\n");
    append_prefixed(out, to_origin, body);
  }
  if (flow.response) {
    const Response& response = *flow.response;
    const std::string status_line = response.http_version + " " + std::to_string(response.status) +
                                    (response.reason.empty() ? "" : " ") + response.reason;
    append_prefixed(out, from_origin, header_block(status_line, response.headers));
    if (const std::string body = body_for_terminal(response.body, response.headers);
        !body.empty()) {
      append_prefixed(out, from_origin, "\n");
      append_prefixed(out, from_origin, body);
    }
  }
  if (flow.websocket) {
    for (const WebSocketMessage& message : flow.websocket->messages) {
      out += "  " + websocket_message_line(flow.client_address, message) + "\n";
    }
    if (flow.websocket->messages_dropped > 0) {
      out += "  " +
             dim("[" + std::to_string(flow.websocket->messages_dropped) +
                 " more messages counted, not kept (--ws-message-limit)]") +
             "\n";
    }
  }
  if (!flow.error.empty()) append_prefixed(out, "! ", flow.error);
  return out;
}

}  // namespace flowscope::flow
