#include "core/http/rewrite.hpp"

#include "core/base64.hpp"
#include "core/http/hop_by_hop.hpp"
#include "core/http/serializer.hpp"

namespace flowscope::http {

namespace {

// The transfer-codings other than the final "chunked" (e.g. "gzip" of "gzip, chunked"):
// they describe the body bytes, which we forward untouched, so they must survive.
std::string codings_before_chunked(const Headers& headers) {
  std::string out;
  for (auto value : headers.find_all("Transfer-Encoding")) {
    for (auto coding : split_list(value)) {
      if (iequals(coding, "chunked")) continue;
      if (!out.empty()) out += ", ";
      out += coding;
    }
  }
  return out;
}

void set_framing(Headers& headers, OutFraming framing, std::uint64_t length, const std::string& codings) {
  if (framing == OutFraming::kAsReceived) return;
  headers.remove("Content-Length");
  headers.remove("Transfer-Encoding");
  if (framing == OutFraming::kContentLength) headers.add("Content-Length", std::to_string(length));
  if (framing == OutFraming::kChunked) headers.add("Transfer-Encoding", codings.empty() ? "chunked" : codings + ", chunked");
  if (framing == OutFraming::kUntilClose && !codings.empty()) headers.add("Transfer-Encoding", codings);
}

}  // namespace

OutFraming request_out_framing(const RequestHead& request) {
  switch (request.framing) {
    case BodyFraming::kContentLength: return OutFraming::kContentLength;
    case BodyFraming::kChunked: return OutFraming::kChunked;
    default: return OutFraming::kAsReceived;
  }
}

std::string frame_body_piece(OutFraming framing, std::string_view piece) {
  if (framing != OutFraming::kChunked) return std::string(piece);
  std::string framed;
  framed.reserve(piece.size() + 16);
  append_chunk(framed, piece);
  return framed;
}

std::string frame_body_end(OutFraming framing, const Headers& trailers) {
  std::string last;
  if (framing == OutFraming::kChunked) append_last_chunk(last, trailers);
  return last;
}

RequestHead make_upstream_request(const RequestHead& client_request, const AbsoluteUrl& url,
                                        bool via_proxy, const std::string& proxy_credentials) {
  RequestHead out;
  out.method = client_request.method;
  out.version_major = 1;
  out.version_minor = 1;
  out.headers = client_request.headers;
  const bool websocket = is_websocket_upgrade(client_request.headers);
  OutFraming framing = request_out_framing(client_request);
  // Framing headers are rebuilt below, so strip_hop_by_hop may drop them.
  strip_hop_by_hop(out.headers, websocket);
  if (framing == OutFraming::kAsReceived) framing = OutFraming::kContentLength;
  const bool has_body = client_request.framing != BodyFraming::kNone;
  if (has_body || client_request.headers.find("Content-Length") != nullptr) {
    set_framing(out.headers, framing, client_request.content_length, codings_before_chunked(client_request.headers));
  }

  // RFC 9112 §3.2.2: a proxy replaces Host with the authority of the absolute-form target.
  const bool default_port = url.authority.port == (url.scheme == "https" ? 443 : 80);
  std::string host = url.authority.to_string();
  if (default_port) host = host.substr(0, host.rfind(':'));
  out.headers.set("Host", host);

  if (via_proxy) {
    out.target = url.scheme + "://" + host + url.path_and_query;
    if (!proxy_credentials.empty())
      out.headers.add("Proxy-Authorization", "Basic " + base64_encode(proxy_credentials));
  } else {
    out.target = url.path_and_query;
  }
  return out;
}

ResponseHead make_client_response(const ResponseHead& upstream_response, OutFraming framing,
                                        bool close_client, bool client_is_http10) {
  ResponseHead out;
  out.status = upstream_response.status;
  out.reason = upstream_response.reason;
  out.version_major = 1;
  out.version_minor = 1;
  out.headers = upstream_response.headers;
  const bool switching = upstream_response.status == 101;
  if (framing == OutFraming::kAsReceived) {
    // Bodiless (HEAD, 204, 304, 1xx): Content-Length describes the would-be body; keep it.
    const std::string* length = out.headers.find("Content-Length");
    std::string kept = length ? *length : std::string();
    strip_hop_by_hop(out.headers, switching);
    if (length) out.headers.add("Content-Length", kept);
  } else {
    strip_hop_by_hop(out.headers, switching);
    set_framing(out.headers, framing, upstream_response.content_length,
                codings_before_chunked(upstream_response.headers));
  }
  if (close_client && !switching) {
    out.headers.add("Connection", "close");
  } else if (client_is_http10 && !switching) {
    out.headers.add("Connection", "keep-alive");
  }
  return out;
}

std::string make_connect_request(const Authority& target, const std::string& proxy_credentials) {
  RequestHead head;
  head.method = "CONNECT";
  head.target = target.to_string();
  head.headers.add("Host", head.target);
  if (!proxy_credentials.empty())
    head.headers.add("Proxy-Authorization", "Basic " + base64_encode(proxy_credentials));
  return serialize(head);
}

}  // namespace flowscope::http
