#include "tests/unit/flow/json_oracle_writer.hpp"

#include <cmath>
#include <string_view>

#include "core/base64.hpp"
#include "core/flow/flow_format.hpp"
#include "core/flow/rfc3339.hpp"
#include "core/flow/utf8.hpp"

namespace flowscope::flow::testing {

using nlohmann::json;

namespace {

// Text unless the bytes would make nlohmann's dump throw; then {"b64": ...}.
json string_value(std::string_view bytes) {
  if (is_valid_utf8(bytes)) return json(bytes);
  json wrapped = json::object();
  wrapped["b64"] = base64_encode(bytes);
  return wrapped;
}

json body_value(const Body& body) {
  json out = json::object();
  out["size"] = body.size;
  out["truncated"] = body.truncated;
  if (body_reads_as_text(body.data)) {
    out["encoding"] = "utf-8";
    out["data"] = body.data;
  } else {
    out["encoding"] = "base64";
    out["data"] = base64_encode(body.data);
  }
  return out;
}

json headers_value(const http::Headers& headers) {
  json out = json::array();
  for (const auto& header : headers.items) {
    json pair = json::array();
    pair.push_back(string_value(header.name));
    pair.push_back(string_value(header.value));
    out.push_back(std::move(pair));
  }
  return out;
}

// -1 is "the phase did not happen" (HAR's convention) and is written as null; JSON has
// no NaN or infinity, so those become null too.
json timing_value(double ms) {
  if (ms == -1 || !std::isfinite(ms)) return json(nullptr);
  return json(ms);
}

json tls_side_value(const TlsSide& side) {
  json out = json::object();
  out["version"] = string_value(side.version);
  out["cipher"] = string_value(side.cipher);
  out["alpn"] = string_value(side.alpn);
  return out;
}

// Only what differs from the reader's defaults is written (docs/flow-format.md,
// "WebSocket"). The time is the double a JSON parser makes of the six-decimal text:
// both are the double nearest to time_us / 10^6.
json ws_message_value(const WebSocketMessage& m) {
  json out = json::object();
  out["direction"] = m.from_client ? "client" : "server";
  out["time"] = static_cast<double>(m.time_us) / 1e6;
  out["opcode"] = m.opcode;
  out["length"] = m.length;
  const bool text = (m.opcode == 1 || m.opcode == 8) && is_valid_utf8(m.data);
  if (text) {
    out["text"] = m.data;
  } else {
    out["base64"] = base64_encode(m.data);
  }
  if (m.truncated) out["truncated"] = true;
  if (m.compressed) out["compressed"] = true;
  if (m.compressed || m.wire_length != m.length) out["wire_length"] = m.wire_length;
  if (m.close_code) out["close_code"] = *m.close_code;
  if (!m.error.empty()) out["error"] = string_value(m.error);
  return out;
}

json websocket_value(const WebSocket& ws) {
  json out = json::object();
  if (!ws.protocol.empty()) out["protocol"] = string_value(ws.protocol);
  if (!ws.extensions.empty()) out["extensions"] = string_value(ws.extensions);
  json messages = json::array();
  for (const auto& m : ws.messages) messages.push_back(ws_message_value(m));
  out["messages"] = std::move(messages);
  out["messages_dropped"] = ws.messages_dropped;
  if (ws.close) {
    json close = json::object();
    close["side"] = ws.close->from_client ? "client" : "server";
    if (ws.close->code) close["code"] = *ws.close->code;
    close["reason"] = string_value(ws.close->reason);
    close["answered"] = ws.close->answered;
    out["close"] = std::move(close);
  }
  if (!ws.protocol_error.empty()) out["protocol_error"] = string_value(ws.protocol_error);
  return out;
}

}  // namespace

json oracle_json(const Flow& flow) {
  json out = json::object();
  out["format"] = kFlowFormat;
  out["id"] = string_value(flow.id);
  out["connection_id"] = flow.connection_id;
  out["started"] = format_timestamp_us(flow.started_us);
  out["client_address"] = string_value(flow.client_address);
  out["server_address"] = string_value(flow.server_address);
  out["scheme"] = string_value(flow.scheme);

  json request = json::object();
  request["method"] = string_value(flow.request.method);
  request["url"] = string_value(flow.request.url);
  request["http_version"] = string_value(flow.request.http_version);
  request["headers"] = headers_value(flow.request.headers);
  request["body"] = body_value(flow.request.body);
  out["request"] = std::move(request);

  if (flow.response) {
    const Response& r = *flow.response;
    json response = json::object();
    response["status"] = r.status;
    response["reason"] = string_value(r.reason);
    response["http_version"] = string_value(r.http_version);
    response["headers"] = headers_value(r.headers);
    response["body"] = body_value(r.body);
    out["response"] = std::move(response);
  }

  json timings = json::object();
  timings["dns"] = timing_value(flow.timings.dns);
  timings["connect"] = timing_value(flow.timings.connect);
  timings["tls"] = timing_value(flow.timings.tls);
  timings["send"] = timing_value(flow.timings.send);
  timings["wait"] = timing_value(flow.timings.wait);
  timings["receive"] = timing_value(flow.timings.receive);
  out["timings"] = std::move(timings);

  if (flow.tunnel) {
    const Tunnel& t = *flow.tunnel;
    json tunnel = json::object();
    tunnel["host"] = string_value(t.host);
    tunnel["port"] = t.port;
    tunnel["bytes_from_client"] = t.bytes_from_client;
    tunnel["bytes_from_server"] = t.bytes_from_server;
    tunnel["duration_ms"] = std::isfinite(t.duration_ms) ? json(t.duration_ms) : json(nullptr);
    if (!t.protocol.empty()) tunnel["protocol"] = string_value(t.protocol);
    out["tunnel"] = std::move(tunnel);
  }

  if (flow.tls) {
    const Tls& t = *flow.tls;
    json tls = json::object();
    tls["sni"] = string_value(t.sni);
    tls["client"] = tls_side_value(t.client);
    tls["server"] = tls_side_value(t.server);
    tls["upstream_verify"] = string_value(t.upstream_verify);
    tls["server_cert_subject"] = string_value(t.server_cert_subject);
    tls["server_cert_issuer"] = string_value(t.server_cert_issuer);
    tls["server_cert_not_after"] = string_value(t.server_cert_not_after);
    out["tls"] = std::move(tls);
  }

  if (flow.websocket) out["websocket"] = websocket_value(*flow.websocket);

  if (!flow.error.empty()) out["error"] = string_value(flow.error);
  if (!flow.replay_of.empty()) out["replay_of"] = string_value(flow.replay_of);
  if (!flow.redactions.empty()) {
    json notes = json::array();
    for (const Redaction& r : flow.redactions) {
      json note = json::object();
      note["where"] = redaction_place_name(r.where);
      note["name"] = string_value(r.name);
      note["original_length"] = r.original_length;
      if (!r.content_encoding.empty()) note["content_encoding"] = string_value(r.content_encoding);
      notes.push_back(std::move(note));
    }
    out["redactions"] = std::move(notes);
  }
  if (!flow.served_from.empty()) out["served_from"] = string_value(flow.served_from);
  return out;
}

}  // namespace flowscope::flow::testing
