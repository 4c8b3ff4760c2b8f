#pragma once
// WebSocket messages in HAR. Chrome DevTools exports them on the upgrade's entry as
// `_webSocketMessages`: [{type: "send"|"receive", time: epoch seconds, opcode, data}],
// text messages as they are and every other payload as base64. flowscope writes the
// same, and keeps what Chrome's shape has no room for (lengths, compression, the close,
// exact times) in `_flowscope.websocket`, so that its own HAR gives the record back
// exactly. docs/har.md has the mapping.
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/flow/flow.hpp"
#include "core/result.hpp"

namespace flowscope::store::har {

// The entry's `_webSocketMessages`, every message in order, control frames included.
nlohmann::ordered_json websocket_messages_json(const flow::WebSocket& ws);
// `_flowscope.websocket`; its `messages` pair up with `_webSocketMessages` by position.
nlohmann::ordered_json flowscope_websocket_json(const flow::WebSocket& ws);

// The record from an entry: nullopt when the entry has neither `_webSocketMessages` nor
// `_flowscope.websocket`. `ours` is the entry's `_flowscope` (an empty object for other
// tools' HAR); `response_headers` (may be null) give another tool's entry its protocol
// and extensions. `where` names the entry in errors ("log.entries[3]").
Result<std::optional<flow::WebSocket>> websocket_from_har(const nlohmann::json& entry,
                                                          const nlohmann::json& ours,
                                                          const http::Headers* response_headers,
                                                          std::string_view where);

}  // namespace flowscope::store::har
