#include "core/flow/json_codec.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/base64.hpp"

namespace flowscope::flow {

using nlohmann::json;

namespace {

constexpr std::int64_t kUsPerSecond = 1'000'000;
constexpr std::int64_t kUsPerDay = 86'400 * kUsPerSecond;

// Eight bytes at a time (SWAR): the common case, plain ASCII with nothing to escape,
// then costs a few instructions per eight bytes instead of a branch per byte.
constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

std::uint64_t load8(const char* p) {
  std::uint64_t word;
  std::memcpy(&word, p, 8);
  return word;
}
// Nonzero iff some byte of `word` is below `n` (n <= 128).
constexpr std::uint64_t any_below(std::uint64_t word, std::uint8_t n) {
  return (word - kOnes * n) & ~word & kHighBits;
}
// Nonzero iff some byte of `word` equals `b`.
constexpr std::uint64_t any_equal(std::uint64_t word, std::uint8_t b) {
  return any_below(word ^ (kOnes * b), 1);
}

// ---- writing --------------------------------------------------------------------

// Text unless the bytes would make nlohmann's dump throw; then {"b64": ...}.
json string_value(std::string_view bytes) {
  if (is_valid_utf8(bytes)) return json(bytes);
  json wrapped = json::object();
  wrapped["b64"] = base64_encode(bytes);
  return wrapped;
}

// Bodies are stored as text only when they read as text: valid UTF-8 without control
// bytes other than TAB, LF and CR. JSON escapes any other control byte as six
// characters, so binary that happens to be valid UTF-8 (NUL padding, protobuf) is
// smaller as base64.
bool body_reads_as_text(std::string_view bytes) {
  std::size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    if (!any_below(load8(bytes.data() + i), 0x20)) continue;
    for (std::size_t j = i; j < i + 8; ++j) {
      auto c = static_cast<unsigned char>(bytes[j]);
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
    }
  }
  for (; i < bytes.size(); ++i) {
    auto c = static_cast<unsigned char>(bytes[i]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
  }
  return is_valid_utf8(bytes);
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

// The nlohmann form of a record. The store's lines come from LineWriter below, which
// writes the same record without building a DOM; a unit test holds the two equal.
json build(const Flow& flow) {
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

  if (!flow.error.empty()) out["error"] = string_value(flow.error);
  return out;
}

// Writes a record straight into a string. nlohmann's DOM build plus dump costs about
// 15 µs for a small flow (most of it per-byte UTF-8 checking in dump) and caps one
// writer thread near 65k flows/s; this writer produces the same record, keys in
// reading order with "format" first, in about a tenth of that.
class LineWriter {
 public:
  explicit LineWriter(std::string& out) : out_(out) {}

  void write(const Flow& flow) {
    out_ += "{\"format\":";
    integer(kFlowFormat);
    key("id");
    string(flow.id);
    key("connection_id");
    integer(flow.connection_id);
    key("started");
    out_ += '"';
    out_ += format_timestamp_us(flow.started_us);
    out_ += '"';
    key("client_address");
    string(flow.client_address);
    key("server_address");
    string(flow.server_address);
    key("scheme");
    string(flow.scheme);

    key("request");
    out_ += "{\"method\":";
    string(flow.request.method);
    key("url");
    string(flow.request.url);
    key("http_version");
    string(flow.request.http_version);
    key("headers");
    headers(flow.request.headers);
    key("body");
    body(flow.request.body);
    out_ += '}';

    if (flow.response) {
      const Response& r = *flow.response;
      key("response");
      out_ += "{\"status\":";
      integer(r.status);
      key("reason");
      string(r.reason);
      key("http_version");
      string(r.http_version);
      key("headers");
      headers(r.headers);
      key("body");
      body(r.body);
      out_ += '}';
    }

    key("timings");
    out_ += "{\"dns\":";
    timing(flow.timings.dns);
    key("connect");
    timing(flow.timings.connect);
    key("tls");
    timing(flow.timings.tls);
    key("send");
    timing(flow.timings.send);
    key("wait");
    timing(flow.timings.wait);
    key("receive");
    timing(flow.timings.receive);
    out_ += '}';

    if (flow.tunnel) {
      const Tunnel& t = *flow.tunnel;
      key("tunnel");
      out_ += "{\"host\":";
      string(t.host);
      key("port");
      integer(t.port);
      key("bytes_from_client");
      integer(t.bytes_from_client);
      key("bytes_from_server");
      integer(t.bytes_from_server);
      key("duration_ms");
      number(t.duration_ms);
      out_ += '}';
    }

    if (flow.tls) {
      const Tls& t = *flow.tls;
      key("tls");
      out_ += "{\"sni\":";
      string(t.sni);
      key("client");
      tls_side(t.client);
      key("server");
      tls_side(t.server);
      key("upstream_verify");
      string(t.upstream_verify);
      key("server_cert_subject");
      string(t.server_cert_subject);
      key("server_cert_issuer");
      string(t.server_cert_issuer);
      key("server_cert_not_after");
      string(t.server_cert_not_after);
      out_ += '}';
    }

    if (!flow.error.empty()) {
      key("error");
      string(flow.error);
    }
    out_ += '}';
  }

 private:
  // A comma, then "name": — every key but an object's first, which the callers
  // write together with the opening brace.
  void key(std::string_view name) {
    out_ += ",\"";
    out_ += name;
    out_ += "\":";
  }

  template <class Int>
  void integer(Int value) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    out_.append(buf, static_cast<std::size_t>(end - buf));
  }

  // Shortest text that reads back to the same double; JSON has no NaN or infinity.
  void number(double value) {
    if (!std::isfinite(value)) {
      out_ += "null";
      return;
    }
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    out_.append(buf, static_cast<std::size_t>(end - buf));
  }

  void timing(double ms) {
    if (ms == -1) {
      out_ += "null";
      return;
    }
    number(ms);
  }

  void string(std::string_view bytes) {
    if (!is_valid_utf8(bytes)) {
      out_ += "{\"b64\":\"";
      out_ += base64_encode(bytes);
      out_ += "\"}";
      return;
    }
    quoted(bytes);
  }

  // `bytes` must be valid UTF-8: only '"', '\\' and control bytes need escaping.
  void quoted(std::string_view bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    out_ += '"';
    std::size_t run = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      while (i + 8 <= bytes.size()) {
        std::uint64_t word = load8(bytes.data() + i);
        if (any_below(word, 0x20) | any_equal(word, '"') | any_equal(word, '\\')) break;
        i += 8;
      }
      if (i == bytes.size()) break;
      auto c = static_cast<unsigned char>(bytes[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      out_.append(bytes.data() + run, i - run);
      run = i + 1;
      switch (c) {
        case '"':
          out_ += "\\\"";
          break;
        case '\\':
          out_ += "\\\\";
          break;
        case '\n':
          out_ += "\\n";
          break;
        case '\r':
          out_ += "\\r";
          break;
        case '\t':
          out_ += "\\t";
          break;
        case '\b':
          out_ += "\\b";
          break;
        case '\f':
          out_ += "\\f";
          break;
        default: {
          const char escape[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
          out_.append(escape, sizeof escape);
        }
      }
    }
    out_.append(bytes.data() + run, bytes.size() - run);
    out_ += '"';
  }

  void headers(const http::Headers& headers) {
    out_ += '[';
    bool first = true;
    for (const auto& header : headers.items) {
      if (!first) out_ += ',';
      first = false;
      out_ += '[';
      string(header.name);
      out_ += ',';
      string(header.value);
      out_ += ']';
    }
    out_ += ']';
  }

  void body(const Body& body) {
    out_ += "{\"size\":";
    integer(body.size);
    out_ += body.truncated ? ",\"truncated\":true" : ",\"truncated\":false";
    if (body_reads_as_text(body.data)) {
      out_ += ",\"encoding\":\"utf-8\",\"data\":";
      quoted(body.data);
    } else {
      out_ += ",\"encoding\":\"base64\",\"data\":\"";
      out_ += base64_encode(body.data);
      out_ += '"';
    }
    out_ += '}';
  }

  void tls_side(const TlsSide& side) {
    out_ += "{\"version\":";
    string(side.version);
    key("cipher");
    string(side.cipher);
    key("alpn");
    string(side.alpn);
    out_ += '}';
  }

  std::string& out_;
};

// ---- reading --------------------------------------------------------------------
//
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

  FLOWSCOPE_TRY(read_string_field(record, "error", flow.error, root));
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
    // holds it. Bodies are the only objects with a "data" key.
    drop_body_data = [](int, json::parse_event_t event, json& parsed) {
      return !(event == json::parse_event_t::key && parsed.is_string() &&
               parsed.get_ref<const std::string&>() == "data");
    };
  }
  json record = json::parse(line, drop_body_data, /*allow_exceptions=*/false);
  if (record.is_discarded()) return fail("not valid JSON (a damaged or foreign line)");
  return read_flow(record, options);
}

int parse_digits(std::string_view text, std::size_t at, std::size_t count, bool& ok) {
  int value = 0;
  if (at + count > text.size()) {
    ok = false;
    return 0;
  }
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') ok = false;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

bool is_valid_utf8(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* end = p + bytes.size();
  while (p < end) {
    // ASCII fast path: eight bytes at a time while no high bit is set.
    while (end - p >= 8) {
      std::uint64_t chunk;
      std::memcpy(&chunk, p, 8);
      if (chunk & 0x8080808080808080ULL) break;
      p += 8;
    }
    if (p == end) break;
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    // Ranges from the Unicode Standard, Table 3-7 (well-formed UTF-8 byte sequences).
    std::size_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (static_cast<std::size_t>(end - p) < len) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (std::size_t i = 2; i < len; ++i) {
      if (p[i] < 0x80 || p[i] > 0xBF) return false;
    }
    p += len;
  }
  return true;
}

std::string format_timestamp_us(std::int64_t unix_us) {
  using namespace std::chrono;
  // Floor division, so instants before 1970 still get a time of day in [0, 24h).
  std::int64_t day = unix_us / kUsPerDay;
  std::int64_t in_day = unix_us % kUsPerDay;
  if (in_day < 0) {
    in_day += kUsPerDay;
    --day;
  }
  year_month_day date{sys_days{days{day}}};
  std::int64_t seconds = in_day / kUsPerSecond;
  // By hand rather than snprintf, which showed in the writer's profile.
  char buf[32];
  char* p = buf;
  auto digits = [&p](std::int64_t value, int width) {
    for (int i = width - 1; i >= 0; --i) {
      p[i] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
    p += width;
  };
  int y = static_cast<int>(date.year());
  if (y < 0 || y > 9999) {
    // Outside RFC 3339's four-digit years; written, but not read back.
    auto [end, ec] = std::to_chars(p, buf + 8, y);
    p = end;
  } else {
    digits(y, 4);
  }
  *p++ = '-';
  digits(static_cast<unsigned>(date.month()), 2);
  *p++ = '-';
  digits(static_cast<unsigned>(date.day()), 2);
  *p++ = 'T';
  digits(seconds / 3600, 2);
  *p++ = ':';
  digits(seconds / 60 % 60, 2);
  *p++ = ':';
  digits(seconds % 60, 2);
  *p++ = '.';
  digits(in_day % kUsPerSecond, 6);
  *p++ = 'Z';
  return std::string(buf, static_cast<std::size_t>(p - buf));
}

std::optional<std::int64_t> parse_timestamp_us(std::string_view text) {
  using namespace std::chrono;
  // YYYY-MM-DDTHH:MM:SS
  bool ok = text.size() >= 20 && text[4] == '-' && text[7] == '-' &&
            (text[10] == 'T' || text[10] == 't' || text[10] == ' ') && text[13] == ':' &&
            text[16] == ':';
  if (!ok) return std::nullopt;
  int y = parse_digits(text, 0, 4, ok);
  int mo = parse_digits(text, 5, 2, ok);
  int d = parse_digits(text, 8, 2, ok);
  int h = parse_digits(text, 11, 2, ok);
  int mi = parse_digits(text, 14, 2, ok);
  int s = parse_digits(text, 17, 2, ok);
  if (!ok || h > 23 || mi > 59 || s > 60) return std::nullopt;
  year_month_day date{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!date.ok()) return std::nullopt;

  std::size_t at = 19;
  std::int64_t fraction_us = 0;
  if (at < text.size() && text[at] == '.') {
    ++at;
    std::size_t digits = 0;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      if (digits < 6) fraction_us = fraction_us * 10 + (text[at] - '0');
      ++digits;
      ++at;
    }
    if (digits == 0) return std::nullopt;
    for (std::size_t i = digits; i < 6; ++i) fraction_us *= 10;
  }
  std::int64_t offset_s = 0;
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
    ++at;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    if (at + 6 != text.size() || text[at + 3] != ':') return std::nullopt;
    int oh = parse_digits(text, at + 1, 2, ok);
    int om = parse_digits(text, at + 4, 2, ok);
    if (!ok || oh > 23 || om > 59) return std::nullopt;
    offset_s = (oh * 3600 + om * 60) * (text[at] == '+' ? 1 : -1);
    at += 6;
  } else {
    return std::nullopt;
  }
  if (at != text.size()) return std::nullopt;
  std::int64_t day_count = sys_days{date}.time_since_epoch().count();
  std::int64_t seconds = day_count * 86'400 + h * 3600 + mi * 60 + s - offset_s;
  return seconds * kUsPerSecond + fraction_us;
}

json to_json(const Flow& flow) {
  return build(flow);
}

Result<Flow> flow_from_json(const json& record) {
  return read_flow(record, ReadOptions{});
}

std::string to_json_line(const Flow& flow) {
  std::string line;
  line.reserve(1024 + flow.request.body.data.size() * 4 / 3 +
               (flow.response ? flow.response->body.data.size() * 4 / 3 : 0));
  append_json_line(flow, line);
  return line;
}

void append_json_line(const Flow& flow, std::string& out) {
  LineWriter(out).write(flow);
  out.push_back('\n');
}

Result<Flow> parse_json_line(std::string_view line) {
  return parse_line(line, ReadOptions{});
}

Result<Flow> parse_json_line_head(std::string_view line) {
  return parse_line(line, ReadOptions{.skip_body_data = true});
}

}  // namespace flowscope::flow
