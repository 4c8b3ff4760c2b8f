#include "core/flow/json_reader.hpp"

#include <cstdint>
#include <limits>
#include <string>

#include "core/base64.hpp"
#include "core/flow/epoch_seconds.hpp"
#include "core/flow/flow_format.hpp"
#include "core/flow/rfc3339.hpp"

namespace flowscope::flow {

using nlohmann::json;

namespace {

// Records are read without exceptions: every access checks the type first, and every
// problem names the field, so a damaged record says where it is damaged. Missing
// optional fields take the Flow defaults; unknown fields are ignored, so format 1 can
// grow new fields without breaking older readers.

struct ReadOptions {
  bool skip_body_data = false;
};

Result<std::string> read_string(const json& value, std::string_view where) {
  if (value.is_string()) return value.get_ref<const std::string&>();
  if (value.is_object()) {
    auto b64 = value.find("b64");
    if (b64 != value.end() && b64->is_string()) {
      if (auto bytes = base64_decode(b64->get_ref<const std::string&>())) return std::move(*bytes);
      return fail(std::string(where) + ": \"b64\" is not valid base64");
    }
  }
  return fail(std::string(where) + ": expected a string or {\"b64\": ...}");
}

// Reads object[key] into `out` when present; absent keeps the default.
Result<void> read_string_field(const json& object, const char* key, std::string& out,
                               std::string_view where) {
  auto it = object.find(key);
  if (it == object.end()) return {};
  auto value = read_string(*it, std::string(where) + "." + key);
  if (!value) return std::unexpected(value.error());
  out = std::move(*value);
  return {};
}

template <class Int>
Result<void> read_int_field(const json& object, const char* key, Int& out, std::string_view where) {
  auto it = object.find(key);
  if (it == object.end()) return {};
  const std::string field = std::string(where) + "." + key;
  if (it->is_number_unsigned()) {
    auto v = it->get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(std::numeric_limits<Int>::max()))
      return fail(field + ": " + std::to_string(v) + " is out of range");
    out = static_cast<Int>(v);
    return {};
  }
  if (it->is_number_integer()) {
    auto v = it->get<std::int64_t>();
    if (v < static_cast<std::int64_t>(std::numeric_limits<Int>::min()))
      return fail(field + ": " + std::to_string(v) + " is out of range");
    out = static_cast<Int>(v);
    return {};
  }
  return fail(field + ": expected an integer");
}

// null (or absent) reads as `if_null`.
Result<void> read_number_field(const json& object, const char* key, double& out, double if_null,
                               std::string_view where) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    out = if_null;
    return {};
  }
  if (!it->is_number()) return fail(std::string(where) + "." + key + ": expected a number or null");
  out = it->get<double>();
  return {};
}

Result<void> read_bool_field(const json& object, const char* key, bool& out,
                             std::string_view where) {
  auto it = object.find(key);
  if (it == object.end()) return {};
  if (!it->is_boolean()) return fail(std::string(where) + "." + key + ": expected true or false");
  out = it->get<bool>();
  return {};
}

// Returns nullptr for an absent key; an error when present but not an object.
Result<const json*> find_object(const json& object, const char* key, std::string_view where) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  if (!it->is_object()) return fail(std::string(where) + "." + key + ": expected an object");
  return &*it;
}

#define FLOWSCOPE_TRY(expr)                                        \
  do {                                                             \
    if (auto r_ = (expr); !r_) return std::unexpected(r_.error()); \
  } while (false)

Result<void> read_headers(const json& object, http::Headers& out, std::string_view where) {
  auto it = object.find("headers");
  if (it == object.end()) return {};
  const std::string field = std::string(where) + ".headers";
  if (!it->is_array()) return fail(field + ": expected an array of [name, value] pairs");
  out.items.reserve(it->size());
  std::size_t i = 0;
  for (const auto& pair : *it) {
    const std::string at = field + "[" + std::to_string(i++) + "]";
    if (!pair.is_array() || pair.size() != 2) return fail(at + ": expected [name, value]");
    auto name = read_string(pair[0], at + "[0]");
    if (!name) return std::unexpected(name.error());
    auto value = read_string(pair[1], at + "[1]");
    if (!value) return std::unexpected(value.error());
    out.items.push_back(http::Header{std::move(*name), std::move(*value)});
  }
  return {};
}

Result<void> read_body(const json& object, Body& out, std::string_view where,
                       const ReadOptions& options) {
  auto body = find_object(object, "body", where);
  if (!body) return std::unexpected(body.error());
  if (!*body) return {};
  const json& b = **body;
  const std::string field = std::string(where) + ".body";
  FLOWSCOPE_TRY(read_int_field(b, "size", out.size, field));
  FLOWSCOPE_TRY(read_bool_field(b, "truncated", out.truncated, field));
  if (options.skip_body_data) return {};
  std::string encoding = "utf-8";
  FLOWSCOPE_TRY(read_string_field(b, "encoding", encoding, field));
  auto data = b.find("data");
  if (data == b.end()) return {};
  if (!data->is_string()) return fail(field + ".data: expected a string");
  if (encoding == "utf-8") {
    out.data = data->get_ref<const std::string&>();
  } else if (encoding == "base64") {
    auto bytes = base64_decode(data->get_ref<const std::string&>());
    if (!bytes) return fail(field + ".data: not valid base64");
    out.data = std::move(*bytes);
  } else {
    return fail(field + ".encoding: \"" + encoding + "\" is not \"utf-8\" or \"base64\"");
  }
  return {};
}

Result<void> read_tls_side(const json& object, const char* key, TlsSide& out,
                           std::string_view where) {
  auto side = find_object(object, key, where);
  if (!side) return std::unexpected(side.error());
  if (!*side) return {};
  const std::string field = std::string(where) + "." + key;
  FLOWSCOPE_TRY(read_string_field(**side, "version", out.version, field));
  FLOWSCOPE_TRY(read_string_field(**side, "cipher", out.cipher, field));
  FLOWSCOPE_TRY(read_string_field(**side, "alpn", out.alpn, field));
  return {};
}

// "client" or "server", the side a message or the first close came from.
Result<void> read_side_field(const json& object, const char* key, bool& from_client,
                             std::string_view where) {
  auto it = object.find(key);
  if (it == object.end()) return {};
  if (it->is_string() && it->get_ref<const std::string&>() == "client") {
    from_client = true;
  } else if (it->is_string() && it->get_ref<const std::string&>() == "server") {
    from_client = false;
  } else {
    return fail(std::string(where) + "." + key + ": expected \"client\" or \"server\"");
  }
  return {};
}

template <class Int>
Result<void> read_optional_int_field(const json& object, const char* key,
                                     std::optional<Int>& out, std::string_view where) {
  if (!object.contains(key)) return {};
  FLOWSCOPE_TRY(read_int_field(object, key, out.emplace(), where));
  return {};
}

// A message's payload: "text" as it is, or "base64"; neither is an empty payload.
Result<void> read_ws_payload(const json& message, std::string& out, std::string_view where) {
  if (auto text = message.find("text"); text != message.end()) {
    if (!text->is_string()) return fail(std::string(where) + ".text: expected a string");
    out = text->get_ref<const std::string&>();
    return {};
  }
  auto b64 = message.find("base64");
  if (b64 == message.end()) return {};
  if (!b64->is_string()) return fail(std::string(where) + ".base64: expected a string");
  auto bytes = base64_decode(b64->get_ref<const std::string&>());
  if (!bytes) return fail(std::string(where) + ".base64: not valid base64");
  out = std::move(*bytes);
  return {};
}

Result<void> read_ws_message(const json& message, WebSocketMessage& out, std::string_view where) {
  if (!message.is_object()) return fail(std::string(where) + ": expected an object");
  FLOWSCOPE_TRY(read_side_field(message, "direction", out.from_client, where));
  if (auto time = message.find("time"); time != message.end()) {
    auto us = time->is_number() ? epoch_seconds_to_us(time->get<double>()) : std::nullopt;
    if (!us) return fail(std::string(where) + ".time: expected Unix epoch seconds");
    out.time_us = *us;
  }
  FLOWSCOPE_TRY(read_int_field(message, "opcode", out.opcode, where));
  FLOWSCOPE_TRY(read_int_field(message, "length", out.length, where));
  FLOWSCOPE_TRY(read_ws_payload(message, out.data, where));
  FLOWSCOPE_TRY(read_bool_field(message, "truncated", out.truncated, where));
  FLOWSCOPE_TRY(read_bool_field(message, "compressed", out.compressed, where));
  out.wire_length = out.length;  // left out when nothing changed it on the wire
  FLOWSCOPE_TRY(read_int_field(message, "wire_length", out.wire_length, where));
  FLOWSCOPE_TRY(read_optional_int_field(message, "close_code", out.close_code, where));
  FLOWSCOPE_TRY(read_string_field(message, "error", out.error, where));
  return {};
}

Result<void> read_websocket(const json& object, WebSocket& out) {
  const std::string_view at = "flow.websocket";
  FLOWSCOPE_TRY(read_string_field(object, "protocol", out.protocol, at));
  FLOWSCOPE_TRY(read_string_field(object, "extensions", out.extensions, at));
  if (auto messages = object.find("messages"); messages != object.end()) {
    if (!messages->is_array()) return fail("flow.websocket.messages: expected an array");
    out.messages.resize(messages->size());
    for (std::size_t i = 0; i < out.messages.size(); ++i) {
      const std::string where = "flow.websocket.messages[" + std::to_string(i) + "]";
      FLOWSCOPE_TRY(read_ws_message((*messages)[i], out.messages[i], where));
    }
  }
  FLOWSCOPE_TRY(read_int_field(object, "messages_dropped", out.messages_dropped, at));
  auto close = find_object(object, "close", at);
  if (!close) return std::unexpected(close.error());
  if (*close) {
    const json& c = **close;
    WebSocketClose& closed = out.close.emplace();
    const std::string_view where = "flow.websocket.close";
    FLOWSCOPE_TRY(read_side_field(c, "side", closed.from_client, where));
    FLOWSCOPE_TRY(read_optional_int_field(c, "code", closed.code, where));
    FLOWSCOPE_TRY(read_string_field(c, "reason", closed.reason, where));
    FLOWSCOPE_TRY(read_bool_field(c, "answered", closed.answered, where));
  }
  FLOWSCOPE_TRY(read_string_field(object, "protocol_error", out.protocol_error, at));
  return {};
}

Result<void> read_redactions(const json& record, std::vector<Redaction>& out) {
  auto notes = record.find("redactions");
  if (notes == record.end()) return {};
  if (!notes->is_array()) return fail("flow.redactions: expected an array");
  out.resize(notes->size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    const json& note = (*notes)[i];
    const std::string where = "flow.redactions[" + std::to_string(i) + "]";
    if (!note.is_object()) return fail(where + ": expected an object");
    auto place = note.find("where");
    if (place == note.end() || !place->is_string()) return fail(where + ".where: expected a string");
    auto parsed = parse_redaction_place(place->get_ref<const std::string&>());
    if (!parsed) {
      return fail(where + ".where: \"" + place->get<std::string>() +
                  "\" is not request_header, response_header, query, request_body or response_body");
    }
    out[i].where = *parsed;
    FLOWSCOPE_TRY(read_string_field(note, "name", out[i].name, where));
    FLOWSCOPE_TRY(read_int_field(note, "original_length", out[i].original_length, where));
    FLOWSCOPE_TRY(read_string_field(note, "content_encoding", out[i].content_encoding, where));
  }
  return {};
}

Result<Flow> read_flow(const json& record, const ReadOptions& options) {
  if (!record.is_object()) return fail("not a flow record: expected a JSON object");
  auto format = record.find("format");
  if (format == record.end()) return fail("not a flow record: no \"format\" field");
  if (!format->is_number_integer() || format->get<std::int64_t>() < 1)
    return fail("not a flow record: \"format\" is not a positive integer");
  if (format->get<std::int64_t>() > kFlowFormat)
    return fail("flow record format " + std::to_string(format->get<std::int64_t>()) +
                " is newer than this flowscope reads (" + std::to_string(kFlowFormat) +
                "): upgrade flowscope");

  Flow flow;
  const std::string_view root = "flow";
  FLOWSCOPE_TRY(read_string_field(record, "id", flow.id, root));
  FLOWSCOPE_TRY(read_int_field(record, "connection_id", flow.connection_id, root));
  auto started = record.find("started");
  if (started == record.end() || !started->is_string())
    return fail("flow.started: expected an RFC 3339 timestamp string");
  auto started_us = parse_timestamp_us(started->get_ref<const std::string&>());
  if (!started_us)
    return fail("flow.started: \"" + started->get<std::string>() +
                "\" is not an RFC 3339 timestamp");
  flow.started_us = *started_us;
  FLOWSCOPE_TRY(read_string_field(record, "client_address", flow.client_address, root));
  FLOWSCOPE_TRY(read_string_field(record, "server_address", flow.server_address, root));
  FLOWSCOPE_TRY(read_string_field(record, "scheme", flow.scheme, root));

  auto request = find_object(record, "request", root);
  if (!request) return std::unexpected(request.error());
  if (*request) {
    const json& r = **request;
    FLOWSCOPE_TRY(read_string_field(r, "method", flow.request.method, "flow.request"));
    FLOWSCOPE_TRY(read_string_field(r, "url", flow.request.url, "flow.request"));
    FLOWSCOPE_TRY(read_string_field(r, "http_version", flow.request.http_version, "flow.request"));
    FLOWSCOPE_TRY(read_headers(r, flow.request.headers, "flow.request"));
    FLOWSCOPE_TRY(read_body(r, flow.request.body, "flow.request", options));
  }

  auto response = find_object(record, "response", root);
  if (!response) return std::unexpected(response.error());
  if (*response) {
    const json& r = **response;
    Response& out = flow.response.emplace();
    FLOWSCOPE_TRY(read_int_field(r, "status", out.status, "flow.response"));
    FLOWSCOPE_TRY(read_string_field(r, "reason", out.reason, "flow.response"));
    FLOWSCOPE_TRY(read_string_field(r, "http_version", out.http_version, "flow.response"));
    FLOWSCOPE_TRY(read_headers(r, out.headers, "flow.response"));
    FLOWSCOPE_TRY(read_body(r, out.body, "flow.response", options));
  }

  auto timings = find_object(record, "timings", root);
  if (!timings) return std::unexpected(timings.error());
  if (*timings) {
    const json& t = **timings;
    const std::string_view at = "flow.timings";
    FLOWSCOPE_TRY(read_number_field(t, "dns", flow.timings.dns, -1, at));
    FLOWSCOPE_TRY(read_number_field(t, "connect", flow.timings.connect, -1, at));
    FLOWSCOPE_TRY(read_number_field(t, "tls", flow.timings.tls, -1, at));
    FLOWSCOPE_TRY(read_number_field(t, "send", flow.timings.send, -1, at));
    FLOWSCOPE_TRY(read_number_field(t, "wait", flow.timings.wait, -1, at));
    FLOWSCOPE_TRY(read_number_field(t, "receive", flow.timings.receive, -1, at));
  }

  auto tunnel = find_object(record, "tunnel", root);
  if (!tunnel) return std::unexpected(tunnel.error());
  if (*tunnel) {
    const json& t = **tunnel;
    Tunnel& out = flow.tunnel.emplace();
    const std::string_view at = "flow.tunnel";
    FLOWSCOPE_TRY(read_string_field(t, "host", out.host, at));
    FLOWSCOPE_TRY(read_int_field(t, "port", out.port, at));
    FLOWSCOPE_TRY(read_int_field(t, "bytes_from_client", out.bytes_from_client, at));
    FLOWSCOPE_TRY(read_int_field(t, "bytes_from_server", out.bytes_from_server, at));
    FLOWSCOPE_TRY(read_number_field(t, "duration_ms", out.duration_ms, 0, at));
    FLOWSCOPE_TRY(read_string_field(t, "protocol", out.protocol, at));
  }

  auto tls = find_object(record, "tls", root);
  if (!tls) return std::unexpected(tls.error());
  if (*tls) {
    const json& t = **tls;
    Tls& out = flow.tls.emplace();
    const std::string_view at = "flow.tls";
    FLOWSCOPE_TRY(read_string_field(t, "sni", out.sni, at));
    FLOWSCOPE_TRY(read_tls_side(t, "client", out.client, at));
    FLOWSCOPE_TRY(read_tls_side(t, "server", out.server, at));
    FLOWSCOPE_TRY(read_string_field(t, "upstream_verify", out.upstream_verify, at));
    FLOWSCOPE_TRY(read_string_field(t, "server_cert_subject", out.server_cert_subject, at));
    FLOWSCOPE_TRY(read_string_field(t, "server_cert_issuer", out.server_cert_issuer, at));
    FLOWSCOPE_TRY(read_string_field(t, "server_cert_not_after", out.server_cert_not_after, at));
  }

  auto websocket = find_object(record, "websocket", root);
  if (!websocket) return std::unexpected(websocket.error());
  if (*websocket) FLOWSCOPE_TRY(read_websocket(**websocket, flow.websocket.emplace()));

  FLOWSCOPE_TRY(read_string_field(record, "error", flow.error, root));
  FLOWSCOPE_TRY(read_string_field(record, "replay_of", flow.replay_of, root));
  FLOWSCOPE_TRY(read_redactions(record, flow.redactions));
  FLOWSCOPE_TRY(read_string_field(record, "served_from", flow.served_from, root));
  return flow;
}

#undef FLOWSCOPE_TRY

std::string_view strip_line_end(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

Result<Flow> parse_line(std::string_view line, const ReadOptions& options) {
  line = strip_line_end(line);
  if (line.empty()) return fail("empty line: not a flow record");
  json::parser_callback_t drop_body_data = nullptr;
  if (options.skip_body_data) {
    // Discards each body's "data" member as soon as it is parsed, so the record never
    // holds it. Bodies are the only objects with a "data" key (WebSocket payloads are
    // "text" or "base64", and are kept).
    drop_body_data = [](int, json::parse_event_t event, json& parsed) {
      return !(event == json::parse_event_t::key && parsed.is_string() &&
               parsed.get_ref<const std::string&>() == "data");
    };
  }
  json record = json::parse(line, drop_body_data, /*allow_exceptions=*/false);
  if (record.is_discarded()) return fail("not valid JSON (a damaged or foreign line)");
  return read_flow(record, options);
}

}  // namespace

Result<Flow> flow_from_json(const json& record) {
  return read_flow(record, ReadOptions{});
}

Result<Flow> parse_json_line(std::string_view line) {
  return parse_line(line, ReadOptions{});
}

Result<Flow> parse_json_line_head(std::string_view line) {
  return parse_line(line, ReadOptions{.skip_body_data = true});
}

}  // namespace flowscope::flow
