#pragma once
// A flow's request as a command to paste: curl for a shell, or Python requests.
// Both must survive any byte in a header or body, so quoting is the point here.
#include <string>
#include <string_view>

#include "core/flow/flow.hpp"

namespace flowscope::gui {

// One POSIX shell word that reads back as exactly `s`: single quotes, with each ' as '\''.
std::string shell_quote(std::string_view s);

// Method, URL, the headers minus hop-by-hop ones and Content-Length (curl sets its own),
// and the body via --data-binary. A body that is not text (NUL, invalid UTF-8) is
// written as a $'\xHH' word, which bash and zsh read but plain sh may not: a comment
// line says so.
std::string copy_as_curl(const flow::Flow& flow);

// A Python 3 script using requests; str and bytes literals escaped so any byte survives.
std::string copy_as_python(const flow::Flow& flow);

// A Python literal of `s`: "..." (str) or b"..." (bytes).
std::string python_str_literal(std::string_view s);
std::string python_bytes_literal(std::string_view s);

}  // namespace flowscope::gui
