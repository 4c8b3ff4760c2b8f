#pragma once
// The answers server replay sends: a recorded response as the proxy serves it again,
// and the 502 for a request the recording has no answer for.
#include <string>
#include <string_view>

#include "core/flow/flow.hpp"
#include "core/proxy/hooks.hpp"

namespace flowscope::server_replay {

// The recorded status, headers and body. Hop-by-hop headers and the framing ones
// (Content-Length, Transfer-Encoding) are dropped: the proxy frames the body itself.
// The store keeps bodies as they were on the wire, but HAR keeps them decoded under
// the original Content-Encoding header; so a Content-Encoding the body does not decode
// from is dropped too, and the header always describes the bytes that are sent.
proxy::LocalResponse recorded_answer(const flow::Response& response);

// 502, text/plain: which request found no answer, why, and how to get one recorded.
// `hint` (may be empty) is one more line, such as a near miss.
proxy::LocalResponse unmatched_answer(const flow::Request& request, std::string_view recording,
                                      std::string_view hint);

}  // namespace flowscope::server_replay
