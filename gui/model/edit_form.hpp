#pragma once
// "Edit and replay": a flow's request as editable text, and the text back as a request
// (or, for a paused response, the same for the response). Errors name what to fix.
#include <string>

#include "core/flow/flow.hpp"
#include "core/result.hpp"

namespace flowscope::gui {

struct EditForm {
  std::string method, url;
  std::string headers_text;  // "Name: value" per line
  std::string body;
  // The body is shown with Content-Encoding undone; sending it drops that header.
  bool body_decoded = false;
};

EditForm edit_form_from(const flow::Flow& flow);

// A copy of `original` whose request is the form's. Its id stays (the replay names it
// in replay_of); response, error, timings, TLS and WebSocket facts are cleared.
// Content-Length is recomputed (dropped for an empty body that had none), and
// Transfer-Encoding dropped, since the body is whole.
Result<flow::Flow> request_from_form(const EditForm& form, const flow::Flow& original);

struct ResponseForm {
  std::string status;  // "200" or "200 OK"
  std::string headers_text;
  std::string body;
  bool body_decoded = false;
};

// Requires original.response.
ResponseForm response_form_from(const flow::Flow& flow);
// A copy of `original` whose response is the form's (for a paused response).
Result<flow::Flow> response_from_form(const ResponseForm& form, const flow::Flow& original);

// The header lines parsed; blank lines are skipped. An error names the line (1-based).
Result<http::Headers> parse_header_lines(const std::string& text);
std::string header_lines(const http::Headers& headers);

}  // namespace flowscope::gui
