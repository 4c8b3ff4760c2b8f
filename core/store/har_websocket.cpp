#include "core/store/har_websocket.hpp"

#include <cstdlib>
#include <string>

#include "core/base64.hpp"
#include "core/flow/epoch_seconds.hpp"
#include "core/flow/utf8.hpp"
#include "core/store/har_json.hpp"

namespace flowscope::store::har {

using nlohmann::json;
using Json = nlohmann::ordered_json;

namespace {

// Chrome's rule (the DevTools protocol's WebSocketFrame.payloadData): a text message is
// written as it is, every other payload as base64. A text message that is not valid
// UTF-8 (cut by the limit mid-character) cannot go into JSON as it is: it is base64
// too, and `_flowscope.websocket` marks it `dataBase64`.
bool data_as_text(const flow::WebSocketMessage& message) {
  return message.opcode == 1 && flow::is_valid_utf8(message.data);
}

const char* side_name(bool from_client) {
  return from_client ? "client" : "server";
}

// Only what differs from what the reader assumes for another tool's message.
Json message_extras_json(const flow::WebSocketMessage& m) {
  Json out = Json::object();
  out["timeUs"] = m.time_us;
  out["length"] = m.length;
  if (m.truncated) out["truncated"] = true;
  if (m.compressed) out["compressed"] = true;
  if (m.compressed || m.wire_length != m.length) out["wireLength"] = m.wire_length;
  if (m.close_code) out["closeCode"] = *m.close_code;
  if (!m.error.empty()) out["error"] = m.error;
  if (m.opcode == 1 && !data_as_text(m)) out["dataBase64"] = true;
  return out;
}

std::optional<std::uint16_t> code_at(const json& object, const char* key) {
  auto code = size_at(object, key);
  if (!code || *code > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(*code);
}

// One element of `_webSocketMessages`, with its `_flowscope.websocket.messages` partner
// (an empty object for another tool's HAR). nullopt for an element that is not a
// message of the connection (a type other than send or receive).
Result<std::optional<flow::WebSocketMessage>> message_from_har(const json& element,
                                                               const json& extras,
                                                               const std::string& where) {
  auto type = string_at(element, "type");
  if (!type || (*type != "send" && *type != "receive")) return std::nullopt;
  flow::WebSocketMessage m;
  m.from_client = *type == "send";
  const auto seconds = number_at(element, "time");
  if (seconds) m.time_us = flow::epoch_seconds_to_us(*seconds).value_or(0);
  // Our exact microseconds, unless `time` was edited since.
  if (const json* exact = member(extras, "timeUs"); exact && exact->is_number_integer()) {
    const std::int64_t us = exact->get<std::int64_t>();
    if (!seconds || std::llabs(us - m.time_us) < 1000) m.time_us = us;
  }
  const auto opcode = size_at(element, "opcode");
  m.opcode = opcode && *opcode <= 255 ? static_cast<std::uint8_t>(*opcode) : 1;

  m.data = string_at(element, "data").value_or("");
  const bool marked_base64 = flag_at(extras, "dataBase64");
  if (marked_base64 || m.opcode != 1) {
    if (auto bytes = base64_decode(m.data)) {
      m.data = std::move(*bytes);
    } else if (marked_base64 || !extras.empty()) {
      return fail(where + ".data is not valid base64, which opcode " + std::to_string(m.opcode) +
                  " needs");
    }
    // Otherwise another tool wrote a control frame as text: it is kept as it is.
  }
  // Chrome has no lengths: the payload is all there is.
  m.length = size_at(extras, "length").value_or(m.data.size());
  m.truncated = flag_at(extras, "truncated");
  m.compressed = flag_at(extras, "compressed");
  m.wire_length = size_at(extras, "wireLength").value_or(m.length);
  m.close_code = code_at(extras, "closeCode");
  m.error = string_at(extras, "error").value_or("");
  return m;
}

// Another tool's HAR: the handshake's answer names what the server chose.
void negotiated_from_headers(const http::Headers& headers, flow::WebSocket& ws) {
  if (const std::string* protocol = headers.find("Sec-WebSocket-Protocol")) ws.protocol = *protocol;
  for (std::string_view value : headers.find_all("Sec-WebSocket-Extensions")) {
    if (!ws.extensions.empty()) ws.extensions += ", ";
    ws.extensions += value;
  }
}

}  // namespace

Json websocket_messages_json(const flow::WebSocket& ws) {
  Json out = Json::array();
  for (const flow::WebSocketMessage& m : ws.messages) {
    Json message = Json::object();
    message["type"] = m.from_client ? "send" : "receive";
    message["time"] = static_cast<double>(m.time_us) / 1e6;
    message["opcode"] = m.opcode;
    message["data"] = data_as_text(m) ? m.data : base64_encode(m.data);
    out.push_back(std::move(message));
  }
  return out;
}

Json flowscope_websocket_json(const flow::WebSocket& ws) {
  Json out = Json::object();
  out["protocol"] = ws.protocol;
  out["extensions"] = ws.extensions;
  out["messagesDropped"] = ws.messages_dropped;
  if (ws.close) {
    Json close = Json::object();
    close["side"] = side_name(ws.close->from_client);
    if (ws.close->code) close["code"] = *ws.close->code;
    close["reason"] = ws.close->reason;
    close["answered"] = ws.close->answered;
    out["close"] = std::move(close);
  }
  out["protocolError"] = ws.protocol_error;
  Json messages = Json::array();
  for (const flow::WebSocketMessage& m : ws.messages) messages.push_back(message_extras_json(m));
  out["messages"] = std::move(messages);
  return out;
}

Result<std::optional<flow::WebSocket>> websocket_from_har(const json& entry, const json& ours,
                                                          const http::Headers* response_headers,
                                                          std::string_view where) {
  const json* messages = array_at(entry, "_webSocketMessages");
  const json* mine = object_at(ours, "websocket");
  if (!messages && !mine) return std::nullopt;
  static const json kEmpty = json::object();

  flow::WebSocket ws;
  // The extras pair up with the messages by position; after an edit that added or
  // removed messages they no longer do, and the messages are read as another tool's.
  const json* extras = mine ? array_at(*mine, "messages") : nullptr;
  if (extras && (!messages || extras->size() != messages->size())) extras = nullptr;
  if (messages) {
    for (std::size_t i = 0; i < messages->size(); ++i) {
      const json& partner = extras && (*extras)[i].is_object() ? (*extras)[i] : kEmpty;
      const std::string at = std::string(where) + "._webSocketMessages[" + std::to_string(i) + "]";
      auto message = message_from_har((*messages)[i], partner, at);
      if (!message) return std::unexpected(message.error());
      if (*message) ws.messages.push_back(std::move(**message));
    }
  }

  if (!mine) {
    if (response_headers) negotiated_from_headers(*response_headers, ws);
    return ws;
  }
  ws.protocol = string_at(*mine, "protocol").value_or("");
  ws.extensions = string_at(*mine, "extensions").value_or("");
  ws.messages_dropped = size_at(*mine, "messagesDropped").value_or(0);
  if (const json* close = object_at(*mine, "close")) {
    flow::WebSocketClose& c = ws.close.emplace();
    c.from_client = string_at(*close, "side").value_or("client") != "server";
    c.code = code_at(*close, "code");
    c.reason = string_at(*close, "reason").value_or("");
    c.answered = flag_at(*close, "answered");
  }
  ws.protocol_error = string_at(*mine, "protocolError").value_or("");
  return ws;
}

}  // namespace flowscope::store::har
