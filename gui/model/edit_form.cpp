#include "gui/model/edit_form.hpp"

#include <charconv>
#include <cstring>

#include "gui/model/body_view.hpp"

namespace flowscope::gui {
namespace {

// RFC 9110 §5.6.2 tchar.
bool is_tchar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         (c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_tchar(c)) return false;
  return true;
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

Result<void> check_url(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("http://")) rest = url.substr(7);
  else if (url.starts_with("https://")) rest = url.substr(8);
  else return fail("the URL must be absolute and start with http:// or https://");
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  const std::string_view host_port = authority.substr(authority.find('@') + 1);
  if (host_port.empty() || host_port.front() == ':') return fail("the URL has no host");
  for (char c : url)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
      return fail("the URL contains a space or a control character; percent-encode it");
  return {};
}

// Sets the framing for a body that is now whole and as the form has it.
void frame_body(http::Headers& headers, flow::Body& body, const std::string& text,
                bool body_decoded) {
  headers.remove("Transfer-Encoding");
  if (body_decoded) headers.remove("Content-Encoding");
  const bool had_length = headers.find("Content-Length") != nullptr;
  headers.remove("Content-Length");
  if (!text.empty() || had_length) headers.add("Content-Length", std::to_string(text.size()));
  body.data = text;
  body.size = text.size();
  body.truncated = false;
}

std::string form_body(const flow::Body& body, const http::Headers& headers, bool& decoded) {
  DecodedBody view = decode_body(body, headers);
  decoded = !view.coding.empty() && view.error.empty();
  return std::move(view.bytes);
}

}  // namespace

std::string header_lines(const http::Headers& headers) {
  std::string out;
  for (const http::Header& header : headers.items) out += header.name + ": " + header.value + "\n";
  return out;
}

Result<http::Headers> parse_header_lines(const std::string& text) {
  http::Headers headers;
  std::size_t number = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    ++number;
    const auto end = rest.find('\n');
    const std::string_view line = trim(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (line.empty()) continue;
    const std::string where = "header line " + std::to_string(number);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos)
      return fail(where + " has no ':' (write it as \"Name: value\")");
    const std::string_view name = line.substr(0, colon);
    if (!is_token(name))
      return fail(where + ": \"" + std::string(name) + "\" is not a valid header name");
    const std::string_view value = trim(line.substr(colon + 1));
    for (char c : value)
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f)
        return fail(where + ": the value contains a control character");
    headers.add(std::string(name), std::string(value));
  }
  return headers;
}

EditForm edit_form_from(const flow::Flow& flow) {
  EditForm form;
  form.method = flow.request.method;
  form.url = flow.request.url;
  form.headers_text = header_lines(flow.request.headers);
  form.body = form_body(flow.request.body, flow.request.headers, form.body_decoded);
  return form;
}

Result<flow::Flow> request_from_form(const EditForm& form, const flow::Flow& original) {
  const std::string method(trim(form.method));
  if (!is_token(method))
    return fail("the method \"" + method + "\" is not a valid HTTP method (letters such as GET)");
  const std::string url(trim(form.url));
  if (auto ok = check_url(url); !ok) return std::unexpected(ok.error());
  auto headers = parse_header_lines(form.headers_text);
  if (!headers) return std::unexpected(headers.error());

  flow::Flow edited = original;
  edited.request.method = method;
  edited.request.url = url;
  edited.request.headers = std::move(*headers);
  frame_body(edited.request.headers, edited.request.body, form.body, form.body_decoded);
  edited.response.reset();
  edited.error.clear();
  edited.timings = flow::Timings{};
  edited.tls.reset();
  edited.websocket.reset();
  edited.tunnel.reset();
  edited.served_from.clear();
  edited.redactions.clear();
  return edited;
}

ResponseForm response_form_from(const flow::Flow& flow) {
  ResponseForm form;
  if (!flow.response) return form;
  form.status = std::to_string(flow.response->status);
  if (!flow.response->reason.empty()) form.status += " " + flow.response->reason;
  form.headers_text = header_lines(flow.response->headers);
  form.body = form_body(flow.response->body, flow.response->headers, form.body_decoded);
  return form;
}

Result<flow::Flow> response_from_form(const ResponseForm& form, const flow::Flow& original) {
  const std::string_view status_line = trim(form.status);
  const std::string_view code_text = status_line.substr(0, status_line.find(' '));
  int status = 0;
  const auto [end, ec] = std::from_chars(code_text.data(), code_text.data() + code_text.size(), status);
  if (ec != std::errc() || end != code_text.data() + code_text.size() || code_text.size() != 3 ||
      status < 100)
    return fail("the status \"" + std::string(status_line) + "\" must start with a three-digit code such as 200");
  auto headers = parse_header_lines(form.headers_text);
  if (!headers) return std::unexpected(headers.error());

  flow::Flow edited = original;
  flow::Response response = original.response.value_or(flow::Response{});
  response.status = status;
  response.reason = code_text.size() < status_line.size()
                        ? std::string(trim(status_line.substr(code_text.size())))
                        : std::string();
  if (response.http_version.empty()) response.http_version = "HTTP/1.1";
  response.headers = std::move(*headers);
  frame_body(response.headers, response.body, form.body, form.body_decoded);
  edited.response = std::move(response);
  return edited;
}

}  // namespace flowscope::gui
