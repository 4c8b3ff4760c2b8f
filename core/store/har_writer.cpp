#include "core/store/har_writer.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <ostream>

#include "core/base64.hpp"
#include "core/flow/utf8.hpp"
#include "core/store/har_cookies.hpp"
#include "core/store/har_query.hpp"
#include "core/store/har_redactions.hpp"
#include "core/store/har_time.hpp"
#include "core/store/har_timings.hpp"
#include "core/store/har_websocket.hpp"

namespace flowscope::store {

using Json = nlohmann::ordered_json;

namespace {

// The store's rule (flow::body_reads_as_text): text when valid UTF-8 without control bytes other
// than TAB, LF and CR. Anything else is smaller, and exact, as base64.
bool reads_as_text(std::string_view bytes) {
  for (unsigned char c : bytes) {
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
  }
  return flow::is_valid_utf8(bytes);
}

// HAR has `encoding` on response.content only; request bodies mark base64 with the
// `_encoding` extension, which the reader also accepts as `encoding`.
void put_text(Json& out, std::string_view bytes, const char* encoding_key) {
  if (reads_as_text(bytes)) {
    out["text"] = bytes;
  } else {
    out["text"] = base64_encode(bytes);
    out[encoding_key] = "base64";
  }
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// "application/x-www-form-urlencoded; charset=UTF-8" → "application/x-www-form-urlencoded"
std::string_view media_type(std::string_view content_type) {
  return trim(content_type.substr(0, content_type.find(';')));
}

// Every value of a header that may be repeated, as one comma-separated list.
std::string joined(const http::Headers& headers, std::string_view name) {
  std::string out;
  for (std::string_view value : headers.find_all(name)) {
    if (!out.empty()) out += ", ";
    out += trim(value);
  }
  return out;
}

// {"name": …, "value": …}, built in place: an initializer list would copy each string.
Json name_value(std::string_view name, std::string_view value) {
  Json out(nlohmann::json::value_t::object);
  out.emplace("name", name);
  out.emplace("value", value);
  return out;
}

Json headers_json(const http::Headers& headers) {
  Json out = Json::array();
  out.get_ref<Json::array_t&>().reserve(headers.items.size());
  for (const auto& header : headers.items) out.push_back(name_value(header.name, header.value));
  return out;
}

// Milliseconds as Chrome and Firefox write them: whole numbers without ".0".
Json ms_json(double ms) {
  if (std::trunc(ms) == ms && std::fabs(ms) < 9e15) return Json(static_cast<std::int64_t>(ms));
  return Json(ms);
}

Json pairs_json(const std::vector<har::NameValue>& pairs) {
  Json out = Json::array();
  for (const auto& pair : pairs) out.push_back(name_value(pair.name, pair.value));
  return out;
}

// HAR's headersSize for an HTTP/1.x head: the start line, each "Name: value" line and
// the blank line, CRLF-terminated. The head is rebuilt from the recorded fields, so
// whitespace the peer put around values is not counted. Other versions: -1.
std::int64_t head_size(std::string_view version, std::size_t start_line,
                       const http::Headers& headers) {
  if (!version.starts_with("HTTP/1.")) return -1;
  std::size_t size = start_line + 2;
  for (const auto& header : headers.items) size += header.name.size() + 2 + header.value.size() + 2;
  return static_cast<std::int64_t>(size + 2);
}

// The request target an origin saw: path and query of an absolute URL ("/" when it has
// neither); anything else (CONNECT's authority form) as recorded.
std::string_view request_target(std::string_view method, std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (method == "CONNECT" || scheme_end == std::string_view::npos) return url;
  url = url.substr(0, url.find('#'));
  const std::size_t path = url.find_first_of("/?", scheme_end + 3);
  return path == std::string_view::npos ? std::string_view("/") : url.substr(path);
}

Json post_data_json(const flow::Body& body, const http::Headers& headers) {
  Json out = Json::object();
  const std::string* content_type = headers.find("Content-Type");
  out["mimeType"] = content_type ? *content_type : "";
  if (!(body.data.empty() && body.size > 0)) put_text(out, body.data, "_encoding");
  // A truncated form would end in a cut pair, so params are listed for whole bodies.
  if (content_type && !body.truncated &&
      http::iequals(media_type(*content_type), "application/x-www-form-urlencoded")) {
    out["params"] = pairs_json(har::parse_form_urlencoded(body.data));
  }
  // A body that redaction made shorter than the wire's is whole all the same: said
  // outright, since a reader takes a bodySize beyond the text for a cut.
  if (body.truncated) out["_truncated"] = true;
  else if (body.data.size() < body.size && !body.data.empty()) out["_truncated"] = false;
  return out;
}

Json request_json(const flow::Flow& flow) {
  const flow::Request& request = flow.request;
  Json out = Json::object();
  out["method"] = request.method;
  // HAR: "fragments are not included". Clients do not send them; this is a guard.
  std::string url = request.url.substr(0, request.url.find('#'));
  // HAR wants a URI; a CONNECT's authority form ("example.com:443") is not one.
  if (request.method == "CONNECT" && url.find("://") == std::string::npos) url.insert(0, kTunnelUrlPrefix);
  out["url"] = url;
  out["httpVersion"] = request.http_version;
  Json cookies = Json::array();
  for (std::string_view value : request.headers.find_all("Cookie")) {
    for (auto& cookie : har::parse_cookie_header(value)) {
      cookies.push_back(name_value(cookie.name, cookie.value));
    }
  }
  out["cookies"] = std::move(cookies);
  out["headers"] = headers_json(request.headers);
  out["queryString"] = pairs_json(har::parse_url_query(request.url));
  if (request.body.size > 0 || !request.body.data.empty()) {
    out["postData"] = post_data_json(request.body, request.headers);
  }
  const std::size_t start_line = request.method.size() + 1 +
                                 request_target(request.method, request.url).size() + 1 +
                                 request.http_version.size();
  out["headersSize"] = head_size(request.http_version, start_line, request.headers);
  out["bodySize"] = request.body.size;
  return out;
}

Json set_cookie_json(std::string_view header_value, std::int64_t received_unix_s) {
  har::SetCookie cookie = har::parse_set_cookie(header_value, received_unix_s);
  Json out = Json::object();
  out["name"] = std::move(cookie.name);
  out["value"] = std::move(cookie.value);
  if (cookie.path) out["path"] = std::move(*cookie.path);
  if (cookie.domain) out["domain"] = std::move(*cookie.domain);
  if (cookie.expires_unix_s) {
    out["expires"] = har::format_iso_ms(*cookie.expires_unix_s * 1'000'000);
  } else if (cookie.expires_text) {
    out["expires"] = std::move(*cookie.expires_text);
  }
  out["httpOnly"] = cookie.http_only;
  out["secure"] = cookie.secure;
  if (cookie.same_site) out["sameSite"] = std::move(*cookie.same_site);
  return out;
}

bool is_identity(std::string_view content_encoding) {
  content_encoding = trim(content_encoding);
  return content_encoding.empty() || http::iequals(content_encoding, "identity");
}

Json content_json(const flow::Response& response, const HarOptions& options) {
  const flow::Body& body = response.body;
  // A recorded body holds the wire bytes (all of them unless truncated). A body
  // imported from a HAR holds the decoded content, whose length differs from the wire
  // size without truncation: it is already decoded and is exported as it is.
  const bool data_is_wire = body.truncated || body.data.size() == body.size;
  const std::string encoding = joined(response.headers, "Content-Encoding");
  std::optional<std::string> decoded;
  if (options.decode_content && !body.truncated && data_is_wire && !is_identity(encoding)) {
    if (auto result = options.decode_content(body.data, encoding)) decoded = std::move(*result);
  }
  const std::string_view bytes = decoded ? std::string_view(*decoded) : std::string_view(body.data);
  const std::uint64_t size = body.truncated ? body.size : bytes.size();

  Json out = Json::object();
  out["size"] = size;
  if (!body.truncated && size != body.size) {
    out["compression"] = static_cast<std::int64_t>(size) - static_cast<std::int64_t>(body.size);
  }
  const std::string* content_type = response.headers.find("Content-Type");
  out["mimeType"] = content_type ? *content_type : "x-unknown";
  if (!(bytes.empty() && size > 0)) put_text(out, bytes, "encoding");
  if (body.truncated) out["_truncated"] = true;
  return out;
}

Json response_json(const flow::Flow& flow, const HarOptions& options) {
  const flow::Response& response = *flow.response;
  Json out = Json::object();
  out["status"] = response.status;
  out["statusText"] = response.reason;
  out["httpVersion"] = response.http_version;
  Json cookies = Json::array();
  const std::int64_t received_unix_s = flow.started_us / 1'000'000;
  for (std::string_view value : response.headers.find_all("Set-Cookie")) {
    cookies.push_back(set_cookie_json(value, received_unix_s));
  }
  out["cookies"] = std::move(cookies);
  out["headers"] = headers_json(response.headers);
  out["content"] = content_json(response, options);
  const std::string* location = response.headers.find("Location");
  out["redirectURL"] = location ? *location : "";
  const std::size_t start_line = response.http_version.size() + 1 +
                                 std::to_string(response.status).size() + 1 +
                                 response.reason.size();
  out["headersSize"] = head_size(response.http_version, start_line, response.headers);
  out["bodySize"] = response.body.size;
  return out;
}

// What Chrome writes for a request that got no response: status 0, sizes unknown.
Json missing_response_json() {
  Json out = Json::object();
  out["status"] = 0;
  out["statusText"] = "";
  out["httpVersion"] = "";
  out["cookies"] = Json::array();
  out["headers"] = Json::array();
  out["content"] = Json{{"size", 0}, {"mimeType", "x-unknown"}};
  out["redirectURL"] = "";
  out["headersSize"] = -1;
  out["bodySize"] = -1;
  return out;
}

Json timings_json(const har::HarTimings& timings) {
  Json out = Json::object();
  out["blocked"] = ms_json(timings.blocked);
  out["dns"] = ms_json(timings.dns);
  out["connect"] = ms_json(timings.connect);
  out["ssl"] = ms_json(timings.ssl);
  out["send"] = ms_json(timings.send);
  out["wait"] = ms_json(timings.wait);
  out["receive"] = ms_json(timings.receive);
  return out;
}

// "203.0.113.7:443" → "203.0.113.7", "[2001:db8::1]:443" → "2001:db8::1". An address
// without a port (one from an imported HAR) comes back unchanged.
std::string_view server_ip(std::string_view address) {
  if (address.starts_with('[')) {
    const std::size_t close = address.find(']');
    return close == std::string_view::npos ? address.substr(1) : address.substr(1, close - 1);
  }
  const std::size_t colon = address.find(':');
  if (colon != std::string_view::npos && address.find(':', colon + 1) == std::string_view::npos) {
    return address.substr(0, colon);
  }
  return address;
}

Json tls_side_json(const flow::TlsSide& side) {
  return Json{{"version", side.version}, {"cipher", side.cipher}, {"alpn", side.alpn}};
}

// What HAR has no field for, so that importing our own HAR restores the flow.
Json flowscope_json(const flow::Flow& flow) {
  Json out = Json::object();
  out["startedUs"] = flow.started_us;
  out["scheme"] = flow.scheme;
  out["clientAddress"] = flow.client_address;
  out["serverAddress"] = flow.server_address;
  if (flow.tls) {
    const flow::Tls& tls = *flow.tls;
    Json t = Json::object();
    t["sni"] = tls.sni;
    t["client"] = tls_side_json(tls.client);
    t["server"] = tls_side_json(tls.server);
    t["upstreamVerify"] = tls.upstream_verify;
    t["serverCertSubject"] = tls.server_cert_subject;
    t["serverCertIssuer"] = tls.server_cert_issuer;
    t["serverCertNotAfter"] = tls.server_cert_not_after;
    out["tls"] = std::move(t);
  }
  if (flow.websocket) out["websocket"] = har::flowscope_websocket_json(*flow.websocket);
  if (!flow.replay_of.empty()) out["replayOf"] = flow.replay_of;
  if (!flow.redactions.empty()) out["redactions"] = har::redactions_json(flow.redactions);
  if (!flow.served_from.empty()) out["servedFrom"] = flow.served_from;
  return out;
}

Json tunnel_json(const flow::Tunnel& tunnel) {
  Json out = Json::object();
  out["host"] = tunnel.host;
  out["port"] = tunnel.port;
  out["bytesFromClient"] = tunnel.bytes_from_client;
  out["bytesFromServer"] = tunnel.bytes_from_server;
  out["durationMs"] =
      ms_json(std::isfinite(tunnel.duration_ms) ? har::round_to_us(tunnel.duration_ms) : 0.0);
  if (!tunnel.protocol.empty()) out["protocol"] = tunnel.protocol;
  return out;
}

}  // namespace

Json har_entry(const flow::Flow& flow, const HarOptions& options) {
  const har::HarTimings timings = har::to_har_timings(flow.timings);
  double time = har::total_time_ms(timings);
  // A tunnel's phases end at connect; its lifetime is the better total.
  if (flow.tunnel && std::isfinite(flow.tunnel->duration_ms) && flow.tunnel->duration_ms > time) {
    time = har::round_to_us(flow.tunnel->duration_ms);
  }

  Json entry = Json::object();
  entry["startedDateTime"] = har::format_iso_ms(flow.started_us);
  entry["time"] = ms_json(time);
  entry["request"] = request_json(flow);
  entry["response"] = flow.response ? response_json(flow, options) : missing_response_json();
  entry["cache"] = Json::object();
  entry["timings"] = timings_json(timings);
  if (std::string_view ip = server_ip(flow.server_address); !ip.empty())
    entry["serverIPAddress"] = ip;
  if (flow.connection_id != 0) entry["connection"] = std::to_string(flow.connection_id);
  entry["_flowscope_id"] = flow.id;
  entry["_flowscope"] = flowscope_json(flow);
  if (flow.tunnel) entry["_tunnel"] = tunnel_json(*flow.tunnel);
  if (flow.websocket) entry["_webSocketMessages"] = har::websocket_messages_json(*flow.websocket);
  if (!flow.error.empty()) entry["_error"] = flow.error;
  return entry;
}

// ---- HarWriter ------------------------------------------------------------------

struct HarWriter::State {
  std::unique_ptr<std::ofstream> file;  // set when the writer opened the file itself
  std::ostream* out = nullptr;
  std::filesystem::path path;
  HarOptions options;
  std::size_t entries = 0;
  bool finished = false;
};

HarWriter::HarWriter(std::unique_ptr<State> state) : state_(std::move(state)) {}
HarWriter::HarWriter(HarWriter&&) noexcept = default;
HarWriter& HarWriter::operator=(HarWriter&& other) noexcept {
  if (this != &other) {
    if (state_) (void)finish();
    state_ = std::move(other.state_);
  }
  return *this;
}

HarWriter::~HarWriter() {
  if (state_) (void)finish();
}

Result<HarWriter> HarWriter::open(std::ostream& out, HarOptions options) {
  auto state = std::make_unique<State>();
  state->out = &out;
  state->options = std::move(options);
  HarWriter writer(std::move(state));
  const Json creator{{"name", writer.state_->options.creator.name},
                     {"version", writer.state_->options.creator.version}};
  std::string head = R"({"log":{"version":"1.2","creator":)";
  head += creator.dump(-1, ' ', false, Json::error_handler_t::replace);
  head += R"(,"pages":[],"entries":[)";
  if (auto written = writer.write(head); !written) {
    writer.state_->finished = true;  // nothing valid to close
    return std::unexpected(written.error());
  }
  return writer;
}

Result<HarWriter> HarWriter::open(const std::filesystem::path& path, HarOptions options) {
  auto file = std::make_unique<std::ofstream>(path, std::ios::binary | std::ios::trunc);
  if (!file->is_open()) {
    return fail("cannot create HAR file " + path.string() + ": " + std::strerror(errno) +
                "; check that the directory exists and is writable");
  }
  auto writer = open(*file, std::move(options));
  if (!writer) return writer;
  writer->state_->file = std::move(file);
  writer->state_->path = path;
  return writer;
}

Result<void> HarWriter::write(std::string_view bytes) {
  State& s = *state_;
  s.out->write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!*s.out) {
    if (s.path.empty()) return fail("could not write the HAR output (stream error)");
    return fail("could not write HAR file " + s.path.string() + ": " + std::strerror(errno));
  }
  return {};
}

Result<void> HarWriter::add(const flow::Flow& flow) {
  if (!state_ || state_->finished) return fail("HarWriter::add after finish()");
  if (!state_->options.include_tunnels && flow.scheme == "tunnel") return {};
  std::string text = state_->entries == 0 ? "\n" : ",\n";
  try {
    // `replace` turns bytes that are not UTF-8 (in headers, URLs) into U+FFFD rather
    // than throwing; bodies never hit it, they are base64 when not UTF-8.
    text += har_entry(flow, state_->options).dump(-1, ' ', false, Json::error_handler_t::replace);
  } catch (const std::exception& e) {
    // Only a throwing ContentDecoder or an allocation failure gets here.
    return fail("cannot export flow " + flow.id + " to HAR: " + e.what());
  }
  if (auto written = write(text); !written) return written;
  ++state_->entries;
  return {};
}

Result<void> HarWriter::finish() {
  if (!state_ || state_->finished) return {};
  state_->finished = true;
  if (auto written = write(state_->entries == 0 ? "]}}\n" : "\n]}}\n"); !written) return written;
  if (state_->file) {
    state_->file->close();
    if (state_->file->fail()) {
      return fail("could not finish HAR file " + state_->path.string() + ": " +
                  std::strerror(errno));
    }
  } else {
    state_->out->flush();
  }
  return {};
}

std::size_t HarWriter::entry_count() const {
  return state_ ? state_->entries : 0;
}

}  // namespace flowscope::store
