#include "core/store/har_reader.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <istream>

#include "core/base64.hpp"
#include "core/store/har_json.hpp"
#include "core/store/har_query.hpp"
#include "core/store/har_redactions.hpp"
#include "core/store/har_time.hpp"
#include "core/store/har_timings.hpp"
#include "core/store/har_websocket.hpp"
#include "core/store/har_writer.hpp"

namespace flowscope::store {

using nlohmann::json;
using namespace har;

namespace {

// "log.entries[3].request.url": where in the document a problem is.
std::string field(std::size_t index, std::string_view path) {
  std::string out = "log.entries[" + std::to_string(index) + "]";
  if (!path.empty()) out += "." + std::string(path);
  return out;
}

// ---- pieces of an entry ----------------------------------------------------------

http::Headers headers_from(const json& message) {
  http::Headers headers;
  const json* list = array_at(message, "headers");
  if (!list) return headers;
  for (const json& header : *list) {
    auto name = string_at(header, "name");
    if (!name) continue;
    headers.add(std::move(*name), string_at(header, "value").value_or(""));
  }
  return headers;
}

// HAR text with an optional "base64" encoding. Whitespace inside base64 (line-wrapped
// exports) is dropped before the strict decoder sees it.
Result<std::string> text_bytes(std::string text, std::optional<std::string> encoding,
                               std::size_t index, std::string_view path) {
  if (!encoding || !http::iequals(*encoding, "base64")) return text;
  std::erase_if(text, [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; });
  auto bytes = base64_decode(text);
  if (!bytes) return fail(field(index, path) + " says encoding \"base64\" but is not valid base64");
  return std::move(*bytes);
}

Result<flow::Body> request_body(const json& request, std::size_t index) {
  flow::Body body;
  bool flagged = false;
  bool whole = false;
  if (const json* post = object_at(request, "postData")) {
    if (auto text = string_at(*post, "text")) {
      auto encoding = string_at(*post, "_encoding");
      if (!encoding) encoding = string_at(*post, "encoding");
      auto bytes =
          text_bytes(std::move(*text), std::move(encoding), index, "request.postData.text");
      if (!bytes) return std::unexpected(bytes.error());
      body.data = std::move(*bytes);
    } else if (const json* params = array_at(*post, "params"); params && !params->empty()) {
      // Some exporters list a form's fields without its text; the urlencoded
      // serialization of the fields is that text.
      std::vector<har::NameValue> pairs;
      for (const json& param : *params) {
        if (auto name = string_at(param, "name")) {
          pairs.push_back({std::move(*name), string_at(param, "value").value_or("")});
        }
      }
      body.data = har::encode_form_urlencoded(pairs);
    }
    flagged = flag_at(*post, "_truncated");
    // Ours says false outright for a whole body that redaction shortened.
    const json* flag = member(*post, "_truncated");
    whole = flag && flag->is_boolean() && !flag->get<bool>();
  }
  body.size = std::max<std::uint64_t>(size_at(request, "bodySize").value_or(0), body.data.size());
  body.truncated = flagged || (!whole && body.size > body.data.size());
  return body;
}

Result<flow::Body> response_body(const json& response, std::size_t index) {
  flow::Body body;
  bool text_kept = false;
  bool flagged = false;
  std::optional<std::uint64_t> content_size;
  if (const json* content = object_at(response, "content")) {
    if (auto text = string_at(*content, "text")) {
      auto bytes = text_bytes(std::move(*text), string_at(*content, "encoding"), index,
                              "response.content.text");
      if (!bytes) return std::unexpected(bytes.error());
      body.data = std::move(*bytes);
      text_kept = true;
    }
    flagged = flag_at(*content, "_truncated");
    content_size = size_at(*content, "size");
  }
  // bodySize is the wire size, which is what Body::size means; content.size is the
  // decoded size, the fallback when the exporter did not know the wire size.
  if (auto wire = size_at(response, "bodySize")) {
    body.size = *wire;
  } else {
    body.size = content_size.value_or(body.data.size());
  }
  // Without text the content was not saved (Firefox's default for some types,
  // Playwright's content: "omit"): whatever size it had is counted, not kept.
  body.truncated = flagged || (!text_kept && body.size > 0);
  return body;
}

// Flow's timings from an entry's `timings`; every missing phase is "did not happen".
flow::Timings timings_from(const json& entry) {
  const json* object = object_at(entry, "timings");
  if (!object) return flow::Timings{};
  har::HarTimings har;
  har.blocked = number_at(*object, "blocked").value_or(-1);
  har.dns = number_at(*object, "dns").value_or(-1);
  har.connect = number_at(*object, "connect").value_or(-1);
  har.ssl = number_at(*object, "ssl").value_or(-1);
  har.send = number_at(*object, "send").value_or(-1);
  har.wait = number_at(*object, "wait").value_or(-1);
  har.receive = number_at(*object, "receive").value_or(-1);
  return har::from_har_timings(har);
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

flow::TlsSide tls_side_from(const json& tls, const char* key) {
  flow::TlsSide side;
  if (const json* object = object_at(tls, key)) {
    side.version = string_at(*object, "version").value_or("");
    side.cipher = string_at(*object, "cipher").value_or("");
    side.alpn = string_at(*object, "alpn").value_or("");
  }
  return side;
}

flow::Tls tls_from(const json& object) {
  flow::Tls tls;
  tls.sni = string_at(object, "sni").value_or("");
  tls.client = tls_side_from(object, "client");
  tls.server = tls_side_from(object, "server");
  tls.upstream_verify = string_at(object, "upstreamVerify").value_or("");
  tls.server_cert_subject = string_at(object, "serverCertSubject").value_or("");
  tls.server_cert_issuer = string_at(object, "serverCertIssuer").value_or("");
  tls.server_cert_not_after = string_at(object, "serverCertNotAfter").value_or("");
  return tls;
}

// "host:443", "[2001:db8::1]:443", or a URL some exporters write for CONNECT.
flow::Tunnel tunnel_from_target(std::string_view target) {
  if (std::size_t scheme = target.find("://"); scheme != std::string_view::npos) {
    target.remove_prefix(scheme + 3);
  }
  target = target.substr(0, target.find('/'));
  flow::Tunnel tunnel;
  std::size_t colon = target.rfind(':');
  if (colon != std::string_view::npos && target.find(']', colon) == std::string_view::npos) {
    std::uint32_t port = 0;
    for (char c : target.substr(colon + 1)) {
      if (c < '0' || c > '9' || port > 65535) break;
      port = port * 10 + static_cast<std::uint32_t>(c - '0');
    }
    if (port <= 65535) tunnel.port = static_cast<std::uint16_t>(port);
    target = target.substr(0, colon);
  }
  if (target.starts_with('[') && target.ends_with(']'))
    target = target.substr(1, target.size() - 2);
  tunnel.host = std::string(target);
  return tunnel;
}

// The address HAR gives (an IP, IPv6 sometimes in brackets), with Playwright's
// `_serverPort` when there is one.
std::string server_address_from(const json& entry) {
  std::string ip = string_at(entry, "serverIPAddress").value_or("");
  if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
  if (ip.empty()) return ip;
  auto port = id_at(entry, "_serverPort");
  if (!port || *port > 65535) return ip;
  const bool v6 = ip.find(':') != std::string::npos;
  return (v6 ? "[" + ip + "]" : ip) + ":" + std::to_string(*port);
}

std::string scheme_of(std::string_view url) {
  const std::size_t end = url.find("://");
  if (end == std::string_view::npos) return {};
  std::string scheme(url.substr(0, end));
  for (char& c : scheme) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return scheme;
}

// ---- the streaming parse ---------------------------------------------------------

// Carries an error out of nlohmann's parser callback, which can only stop by throwing.
struct Abort {
  Error error;
};

// Where the parser is: one frame per open object or array, with the key it sits under.
struct Frame {
  bool is_array = false;
  std::string key;
};

bool at_entries_element(const std::vector<Frame>& stack) {
  // {"log": {"entries": [ <here> ...
  return stack.size() == 3 && !stack[0].is_array && !stack[1].is_array && stack[1].key == "log" &&
         stack[2].is_array && stack[2].key == "entries";
}

std::string parse_error_text(const json::exception& e) {
  // "[json.exception.parse_error.101] parse error at line 1, ..." → "parse error at ..."
  std::string_view text = e.what();
  if (std::size_t bracket = text.find("] ");
      text.starts_with("[json.") && bracket != std::string_view::npos) {
    text.remove_prefix(bracket + 2);
  }
  return std::string(text);
}

template <class Parse>
Result<std::size_t> parse_har(Parse&& parse, const HarFlowCallback& on_flow) {
  std::vector<Frame> stack;
  std::string pending_key;
  std::size_t index = 0;

  auto callback = [&](int, json::parse_event_t event, json& parsed) -> bool {
    switch (event) {
      case json::parse_event_t::key:
        pending_key = parsed.get<std::string>();
        return true;
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        stack.push_back({event == json::parse_event_t::array_start, std::move(pending_key)});
        pending_key.clear();
        return true;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end: {
        stack.pop_back();
        if (!at_entries_element(stack)) return true;
        break;
      }
      case json::parse_event_t::value:
        pending_key.clear();
        if (!at_entries_element(stack)) return true;
        break;
    }
    // A complete element of log.entries: convert it, hand it over, and drop it from
    // the document being built.
    auto flow = flow_from_har_entry(parsed, index++);
    if (!flow) throw Abort{flow.error()};
    if (auto taken = on_flow(std::move(*flow)); !taken) throw Abort{taken.error()};
    return false;
  };

  json root;
  try {
    root = parse(callback);
  } catch (const Abort& abort) {
    return std::unexpected(abort.error);
  } catch (const json::parse_error& e) {
    return fail("HAR is not valid JSON: " + parse_error_text(e));
  } catch (const json::exception& e) {
    return fail("HAR could not be read: " + parse_error_text(e));
  }

  const json* log = object_at(root, "log");
  if (!log) {
    return fail(root.is_object() ? "not a HAR file: there is no \"log\" object at the top level"
                                 : "not a HAR file: the top level is not a JSON object");
  }
  if (!array_at(*log, "entries"))
    return fail("not a HAR file: log.entries is missing or not an array");
  return index;
}

}  // namespace

Result<flow::Flow> flow_from_har_entry(const json& entry, std::size_t index) {
  if (!entry.is_object()) return fail(field(index, "") + " is not an object");
  const json* request = object_at(entry, "request");
  if (!request) return fail(field(index, "request") + " is missing or not an object");
  const json* flowscope = object_at(entry, "_flowscope");
  static const json kEmpty = json::object();
  const json& ours = flowscope ? *flowscope : kEmpty;

  flow::Flow flow;
  auto id = string_at(entry, "_flowscope_id");
  flow.id = id && !id->empty() ? std::move(*id) : "har-" + std::to_string(index + 1);
  flow.connection_id =
      id_at(entry, "_connectionId").value_or(id_at(entry, "connection").value_or(0));

  if (auto started = string_at(entry, "startedDateTime")) {
    auto us = har::parse_iso_us(*started);
    if (!us)
      return fail(field(index, "startedDateTime") + " \"" + *started +
                  "\" is not an ISO 8601 date");
    flow.started_us = *us;
  }
  // Our own microseconds, unless the date was edited since.
  if (const json* us = member(ours, "startedUs"); us && us->is_number_integer()) {
    const std::int64_t exact = us->get<std::int64_t>();
    if (!member(entry, "startedDateTime") ||
        floor_div(exact, 1000) == floor_div(flow.started_us, 1000)) {
      flow.started_us = exact;
    }
  }

  auto method = string_at(*request, "method");
  if (!method) return fail(field(index, "request.method") + " is missing or not a string");
  auto url = string_at(*request, "url");
  if (!url) return fail(field(index, "request.url") + " is missing or not a string");
  flow.request.method = std::move(*method);
  flow.request.url = std::move(*url);
  flow.request.http_version = string_at(*request, "httpVersion").value_or("");
  flow.request.headers = headers_from(*request);
  auto request_body_value = request_body(*request, index);
  if (!request_body_value) return std::unexpected(request_body_value.error());
  flow.request.body = std::move(*request_body_value);

  // Status 0 is how HAR writers say "no response" (a failed or blocked request).
  const json* response = object_at(entry, "response");
  if (response) {
    const double status = number_at(*response, "status").value_or(0);
    if (status >= 1 && status <= 999) {
      flow::Response r;
      r.status = static_cast<int>(status);
      r.reason = string_at(*response, "statusText").value_or("");
      r.http_version = string_at(*response, "httpVersion").value_or("");
      r.headers = headers_from(*response);
      auto body = response_body(*response, index);
      if (!body) return std::unexpected(body.error());
      r.body = std::move(*body);
      flow.response = std::move(r);
    }
  }

  flow.timings = timings_from(entry);
  // HAR forbids -1 for send, wait and receive, so writers put 0 there when nothing was
  // exchanged; without a response, three zeros mean exactly that.
  flow::Timings& t = flow.timings;
  if (!flow.response && t.send == 0 && t.wait == 0 && t.receive == 0)
    t.send = t.wait = t.receive = -1;

  const bool is_connect = flow.request.method == "CONNECT";
  if (is_connect && flow.request.url.starts_with(kTunnelUrlPrefix)) {
    flow.request.url.erase(0, kTunnelUrlPrefix.size());  // back to the authority form
  }
  if (auto scheme = string_at(ours, "scheme")) {
    flow.scheme = std::move(*scheme);
  } else {
    flow.scheme = is_connect ? "tunnel" : scheme_of(flow.request.url);
  }
  if (const json* tunnel = object_at(entry, "_tunnel")) {
    flow::Tunnel t;
    t.host = string_at(*tunnel, "host").value_or("");
    t.port = static_cast<std::uint16_t>(
        std::min<std::uint64_t>(size_at(*tunnel, "port").value_or(0), 65535));
    t.bytes_from_client = size_at(*tunnel, "bytesFromClient").value_or(0);
    t.bytes_from_server = size_at(*tunnel, "bytesFromServer").value_or(0);
    t.duration_ms = number_at(*tunnel, "durationMs").value_or(0);
    t.protocol = string_at(*tunnel, "protocol").value_or("");
    flow.tunnel = std::move(t);
  } else if (is_connect && !flowscope) {
    // Another tool's CONNECT: the target names the tunnel; its lifetime is `time`.
    flow.tunnel = tunnel_from_target(flow.request.url);
    flow.tunnel->duration_ms = std::max(0.0, number_at(entry, "time").value_or(0));
  }

  if (auto address = string_at(ours, "serverAddress")) {
    flow.server_address = std::move(*address);
  } else {
    flow.server_address = server_address_from(entry);
  }
  flow.client_address = string_at(ours, "clientAddress").value_or("");
  flow.replay_of = string_at(ours, "replayOf").value_or("");
  flow.served_from = string_at(ours, "servedFrom").value_or("");
  if (const json* tls = object_at(ours, "tls")) flow.tls = tls_from(*tls);
  auto websocket = websocket_from_har(entry, ours, flow.response ? &flow.response->headers : nullptr,
                                      field(index, ""));
  if (!websocket) return std::unexpected(websocket.error());
  flow.websocket = std::move(*websocket);
  auto redactions = redactions_from_har(ours, field(index, ""));
  if (!redactions) return std::unexpected(redactions.error());
  flow.redactions = std::move(*redactions);

  // Chrome puts `_error` in the response (null when there was none); we put it on the entry.
  if (auto error = string_at(entry, "_error")) {
    flow.error = std::move(*error);
  } else if (response) {
    flow.error = string_at(*response, "_error").value_or("");
  }
  return flow;
}

Result<std::size_t> read_har(std::istream& in, const HarFlowCallback& on_flow) {
  return parse_har([&](auto& callback) { return json::parse(in, callback); }, on_flow);
}

Result<std::vector<flow::Flow>> read_har(std::string_view json_text) {
  std::vector<flow::Flow> flows;
  auto collect = [&](flow::Flow&& flow) -> Result<void> {
    flows.push_back(std::move(flow));
    return {};
  };
  auto count = parse_har(
      [&](auto& callback) { return json::parse(json_text.begin(), json_text.end(), callback); },
      collect);
  if (!count) return std::unexpected(count.error());
  return flows;
}

Result<std::size_t> read_har_file(const std::filesystem::path& path,
                                  const HarFlowCallback& on_flow) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open())
    return fail("cannot open HAR file " + path.string() + ": " + std::strerror(errno));
  auto count = read_har(in, on_flow);
  if (!count) return fail(path.string() + ": " + count.error().message);
  return count;
}

Result<std::vector<flow::Flow>> read_har_file(const std::filesystem::path& path) {
  std::vector<flow::Flow> flows;
  auto count = read_har_file(path, [&](flow::Flow&& flow) -> Result<void> {
    flows.push_back(std::move(flow));
    return {};
  });
  if (!count) return std::unexpected(count.error());
  return flows;
}

}  // namespace flowscope::store
