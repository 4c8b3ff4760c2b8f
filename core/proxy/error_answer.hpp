#pragma once
// The answers the proxy generates itself when an exchange cannot go on (a bad
// request, an unreachable origin, a timeout): an HTTP/1.1 error response with a
// plain-text reason, recorded as the flow's error. The connection then closes.
#include <optional>
#include <string_view>

#include "core/http/message.hpp"
#include "core/proxy/connection_context.hpp"
#include "core/proxy/exchange.hpp"

namespace flowscope::proxy {

// `exchange` is the one in flight; one is made when there is none (a request
// head that never parsed still gets a flow).
void answer_error(ConnectionContext& ctx, std::optional<Exchange>& exchange, int status, std::string_view message,
                  const http::Headers& extra = {});

}  // namespace flowscope::proxy
