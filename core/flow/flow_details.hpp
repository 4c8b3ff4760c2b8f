#pragma once
// A flow in full for a terminal (`flowscope show --full`): its summary line, then the
// request and the response as curl -v prints them, "> " and "< " before each line,
// headers as recorded and bodies decoded (Content-Encoding undone), JSON pretty-printed.
// Binary bodies are summarised (size, type, first bytes in hex), never dumped: bytes
// such as ESC would drive the terminal. WebSocket messages follow, one line each.
#include <string>

#include "core/flow/flow.hpp"

namespace flowscope::flow {

struct DetailOptions {
  bool colour = false;  // the summary line by status (terminal_colour.hpp), names and notes dimmed
};

// Lines ending in '\n', the last one included.
std::string flow_details(const Flow& flow, const DetailOptions& options = {});

// How one body reads on a terminal: its lines (without a prefix), each ending in '\n';
// "" for an empty body. `headers` give Content-Encoding and Content-Type.
std::string body_for_terminal(const Body& body, const http::Headers& headers);

}  // namespace flowscope::flow
