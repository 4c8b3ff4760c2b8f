#include "core/ws/recorder.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "core/overloaded.hpp"
#include "core/ws/extensions.hpp"

namespace flowscope::ws {

namespace {

// Several fields of one name are one comma-separated list (RFC 9110 §5.3).
std::string joined(const http::Headers& headers, std::string_view name) {
  std::string out;
  for (std::string_view value : headers.find_all(name)) {
    if (!out.empty()) out += ", ";
    out += value;
  }
  return out;
}

bool from_client(Direction d) { return d == Direction::kClientToServer; }

std::string side_name(bool client) { return client ? "client" : "server"; }

}  // namespace

Recorder::Recorder(flow::WebSocket& record, const http::Headers& response_headers, RecorderLimits limits)
    : record_(record),
      limits_(limits),
      client_(Direction::kClientToServer, {}),
      server_(Direction::kServerToClient, {}) {
  record_.protocol = joined(response_headers, "Sec-WebSocket-Protocol");
  record_.extensions = joined(response_headers, "Sec-WebSocket-Extensions");
  if (record_.extensions.empty()) return;

  auto extensions = parse_extensions(record_.extensions);
  auto deflate = parse_permessage_deflate(record_.extensions);
  if (!extensions || !deflate) {
    // The client fails the connection for a bad negotiation (RFC 7692 §5): record why.
    protocol_error(false, "Sec-WebSocket-Extensions: " + (!extensions ? extensions.error() : deflate.error()).message);
    parse_ = false;
    return;
  }
  for (const Extension& extension : *extensions) {
    if (extension.name != "permessage-deflate") {
      // Its meaning of the RSV bits and the payload is unknown: reading frames would
      // report errors the peers do not have.
      record_.protocol_error = "extension " + extension.name + " negotiated: frames are relayed unparsed";
      parse_ = false;
      return;
    }
  }
  if (!*deflate) return;
  const FrameParserOptions options{.permessage_deflate = true};
  client_.reader = MessageReader(Direction::kClientToServer, options);
  server_.reader = MessageReader(Direction::kServerToClient, options);
  for (Side* s : {&client_, &server_}) {
    auto inflater = Inflater::create((*deflate)->sent_by(s->reader.parser().direction()), payload_cap());
    if (inflater) {
      s->inflater.emplace(std::move(*inflater));
    } else {
      record_.protocol_error = "permessage-deflate: " + inflater.error().message;
    }
  }
}

std::size_t Recorder::payload_cap() const {
  return limits_.body_limit == 0 ? std::numeric_limits<std::size_t>::max() : limits_.body_limit;
}

void Recorder::feed(Direction from, std::string_view bytes, std::int64_t now_us) {
  Side& s = side(from);
  if (!parse_ || s.stopped || bytes.empty()) return;
  for (const MessageEvent& event : s.reader.feed(bytes)) on_event(s, from_client(from), event, now_us);
}

void Recorder::on_event(Side& s, bool client, const MessageEvent& event, std::int64_t now_us) {
  std::visit(Overloaded{
                 [&](const MessageStart& start) {
                   flow::WebSocketMessage m;
                   m.from_client = client;
                   m.time_us = now_us;
                   m.opcode = static_cast<std::uint8_t>(start.opcode);
                   m.compressed = start.compressed;
                   s.message = std::move(m);
                   s.keeping = has_room_for_a_message();
                 },
                 [&](const MessageData& data) { message_data(s, data.data); },
                 [&](const MessageEnd& end) { message_end(s, end); },
                 [&](const Ping& ping) { control(client, Opcode::kPing, ping.payload, now_us); },
                 [&](const Pong& pong) { control(client, Opcode::kPong, pong.payload, now_us); },
                 [&](const Close& close) { close_frame(client, close.payload, now_us); },
                 [&](const ProtocolError& error) {
                   s.stopped = true;
                   if (s.message) {
                     flow::WebSocketMessage cut = take_message(s);
                     cut.error = "cut by a protocol error";
                     cut.truncated = true;
                     keep(std::move(cut));
                   }
                   protocol_error(client, error.message);
                 },
             },
             event);
}

void Recorder::message_data(Side& s, std::string_view data) {
  flow::WebSocketMessage& m = *s.message;
  m.wire_length += data.size();
  if (m.compressed) {
    if (s.inflater) s.inflater->feed(data);
    return;
  }
  m.length += data.size();
  const std::size_t take = std::min(data.size(), room(m.data.size(), s.keeping));
  m.data.append(data.substr(0, take));
  payload_kept_ += take;
}

std::size_t Recorder::room(std::size_t kept, bool keeping) const {
  if (!keeping) return 0;
  const std::size_t per_message = payload_cap() - std::min(payload_cap(), kept);
  if (limits_.payload_limit == 0) return per_message;
  return std::min(per_message, limits_.payload_limit - std::min(limits_.payload_limit, payload_kept_));
}

void Recorder::keep_within_room(std::string& data, bool keeping) {
  data.resize(std::min(data.size(), room(0, keeping)));
  payload_kept_ += data.size();
}

bool Recorder::has_room_for_a_message() const {
  return limits_.message_limit == 0 || record_.messages.size() < limits_.message_limit;
}

void Recorder::message_end(Side& s, const MessageEnd& end) {
  flow::WebSocketMessage m = take_message(s);
  m.wire_length = end.size;
  if (m.compressed) {
    if (!s.inflater) {
      m.error = "not inflated: permessage-deflate could not be set up";
    } else if (auto inflated = s.inflater->end_message()) {
      m.length = inflated->size;
      m.data = std::move(inflated->data);
      keep_within_room(m.data, s.keeping);
    } else {
      m.error = "inflate failed: " + inflated.error().message;
    }
  } else {
    m.length = end.size;
  }
  m.truncated = m.length > m.data.size();
  keep(std::move(m));
}

void Recorder::control(bool client, Opcode opcode, std::string payload, std::int64_t now_us) {
  flow::WebSocketMessage m;
  m.from_client = client;
  m.time_us = now_us;
  m.opcode = static_cast<std::uint8_t>(opcode);
  m.length = m.wire_length = payload.size();
  m.data = std::move(payload);
  keep_within_room(m.data, has_room_for_a_message());
  m.truncated = m.length > m.data.size();
  keep(std::move(m));
}

void Recorder::close_frame(bool client, const ClosePayload& payload, std::int64_t now_us) {
  flow::WebSocketMessage m;
  m.from_client = client;
  m.time_us = now_us;
  m.opcode = static_cast<std::uint8_t>(Opcode::kClose);
  m.close_code = payload.code;
  m.data = payload.reason;
  m.length = m.wire_length = payload.code ? 2 + payload.reason.size() : 0;
  keep(std::move(m));
  if (!record_.close) {
    record_.close = flow::WebSocketClose{client, payload.code, payload.reason, false};
  } else if (record_.close->from_client != client) {
    record_.close->answered = true;
  }
}

void Recorder::protocol_error(bool client, const std::string& message) {
  if (record_.protocol_error.empty()) record_.protocol_error = side_name(client) + ": " + message;
}

void Recorder::end(Direction from, std::string_view why) {
  Side& s = side(from);
  if (!s.message) return;
  flow::WebSocketMessage m = take_message(s);
  // A compressed message cut short cannot be inflated: only what came is counted.
  if (m.compressed) m.error = "not inflated: the message was cut short";
  m.error = m.error.empty() ? std::string(why) : m.error + "; " + std::string(why);
  m.truncated = true;
  keep(std::move(m));
}

flow::WebSocketMessage Recorder::take_message(Side& s) {
  flow::WebSocketMessage m = std::move(*s.message);
  s.message.reset();
  return m;
}

void Recorder::keep(flow::WebSocketMessage message) {
  if (limits_.message_limit != 0 && record_.messages.size() >= limits_.message_limit) {
    ++record_.messages_dropped;
    return;
  }
  record_.messages.push_back(std::move(message));
}

}  // namespace flowscope::ws
