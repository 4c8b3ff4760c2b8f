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
  // RFC 9110 §15 (and 103, 422, 429 from the registry): every status the proxy may send,
  // its own or a hook's answer such as a recorded response served again.
  switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 103: return "Early Hints";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 205: return "Reset Content";
    case 206: return "Partial Content";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 421: return "Misdirected Request";
    case 422: return "Unprocessable Content";
    case 426: return "Upgrade Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

}  // namespace flowscope::http
