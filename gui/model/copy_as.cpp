#include "gui/model/copy_as.hpp"

#include <array>
#include <cstdio>
#include <strings.h>

#include "core/flow/utf8.hpp"

namespace flowscope::gui {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// RFC 9110 §7.6.1 hop-by-hop fields, plus the length (the tool recomputes it).
bool is_left_out(std::string_view name) {
  constexpr std::array<std::string_view, 9> kLeftOut = {
      "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authorization", "TE",
      "Trailer",    "Transfer-Encoding", "Upgrade", "Content-Length"};
  for (std::string_view n : kLeftOut)
    if (iequals(name, n)) return true;
  return false;
}

std::string hex_escape(unsigned char c) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "\\x%02x", c);
  return buffer;
}

// bash's $'...': everything printable ASCII as is except \ and ', the rest as \xHH.
std::string ansi_c_quote(std::string_view s) {
  std::string out = "$'";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\\' || c == '\'') {
      out += '\\';
      out += c;
    } else if (u >= 0x20 && u < 0x7f) {
      out += c;
    } else {
      out += hex_escape(u);
    }
  }
  out += '\'';
  return out;
}

bool shell_safe_text(std::string_view s) {
  if (!flow::is_valid_utf8(s)) return false;
  for (char c : s)
    if (c == '\0') return false;
  return true;
}

}  // namespace

std::string shell_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  out += '\'';
  return out;
}

std::string copy_as_curl(const flow::Flow& flow) {
  const flow::Request& request = flow.request;
  std::string out;
  const std::string_view body = request.body.data;
  const bool binary = !body.empty() && !shell_safe_text(body);
  if (binary) out += "# the body is binary: $'...' needs bash or zsh\n";
  if (request.body.truncated)
    out += "# the recording kept " + std::to_string(body.size()) + " of " +
           std::to_string(request.body.size) + " body bytes; this sends only those\n";
  out += "curl";
  if (!(request.method == "GET" && body.empty()) &&
      !(request.method == "POST" && !body.empty()))
    out += " -X " + shell_quote(request.method);
  out += " " + shell_quote(request.url);
  for (const http::Header& header : request.headers.items) {
    if (is_left_out(header.name)) continue;
    out += " \\\n  -H " + shell_quote(header.name + ": " + header.value);
  }
  if (!body.empty()) out += " \\\n  --data-binary " + (binary ? ansi_c_quote(body) : shell_quote(body));
  out += '\n';
  return out;
}

namespace {

// A Python string literal after `prefix` ("" or "b"). Non-ASCII bytes stay as they are
// only in a str literal of valid UTF-8; anything else unprintable becomes \xHH (Latin-1,
// which is how requests encodes a header value anyway).
std::string python_literal(std::string_view s, const char* prefix, bool keep_non_ascii) {
  std::string out = std::string(prefix) + "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (u < 0x20 || u == 0x7f || (u >= 0x80 && !keep_non_ascii)) out += hex_escape(u);
        else out += c;
    }
  }
  out += '"';
  return out;
}

}  // namespace

std::string python_str_literal(std::string_view s) { return python_literal(s, "", flow::is_valid_utf8(s)); }

std::string python_bytes_literal(std::string_view s) { return python_literal(s, "b", false); }

std::string copy_as_python(const flow::Flow& flow) {
  const flow::Request& request = flow.request;
  std::string out = "import requests\n\n";
  out += "headers = {\n";
  for (const http::Header& header : request.headers.items) {
    if (is_left_out(header.name)) continue;
    out += "    " + python_str_literal(header.name) + ": " + python_str_literal(header.value) + ",\n";
  }
  out += "}\n";
  if (!request.body.data.empty()) out += "data = " + python_bytes_literal(request.body.data) + "\n";
  out += "\nresponse = requests.request(\n    " + python_str_literal(request.method) + ",\n    " +
         python_str_literal(request.url) + ",\n    headers=headers,\n";
  if (!request.body.data.empty()) out += "    data=data,\n";
  out += ")\nprint(response.status_code)\nprint(response.text)\n";
  return out;
}

}  // namespace flowscope::gui
