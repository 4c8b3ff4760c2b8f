#include "core/http/serializer.hpp"

#include <cstdio>

namespace flowscope::http {

namespace {
void append_headers(std::string& out, const Headers& headers) {
  for (const auto& h : headers.items) {
    out.append(h.name);
    out.append(": ");
    out.append(h.value);
    out.append("\r\n");
  }
  out.append("\r\n");
}
}  // namespace

std::string serialize(const RequestHead& head) {
  std::string out;
  out.reserve(256);
  out.append(head.method).append(" ").append(head.target).append(" ").append(head.version()).append("\r\n");
  append_headers(out, head.headers);
  return out;
}

std::string serialize(const ResponseHead& head) {
  std::string out;
  out.reserve(256);
  out.append(head.version()).append(" ").append(std::to_string(head.status)).append(" ");
  out.append(head.reason).append("\r\n");
  append_headers(out, head.headers);
  return out;
}

void append_chunk(std::string& out, std::string_view data) {
  if (data.empty()) return;
  char size[24];
  int n = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  out.append(size, static_cast<std::size_t>(n));
  out.append(data);
  out.append("\r\n");
}

void append_last_chunk(std::string& out, const Headers& trailers) {
  out.append("0\r\n");
  append_headers(out, trailers);
}

std::string simple_response(int status, std::string_view reason, std::string_view text_body,
                            const Headers& extra, bool close) {
  ResponseHead head;
  head.status = status;
  head.reason = std::string(reason);
  head.headers.add("Content-Type", "text/plain; charset=utf-8");
  head.headers.add("Content-Length", std::to_string(text_body.size()));
  for (const auto& h : extra.items) head.headers.add(h.name, h.value);
  if (close) head.headers.add("Connection", "close");
  std::string out = serialize(head);
  out.append(text_body);
  return out;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 407: return "Proxy Authentication Required";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

}  // namespace flowscope::http
