#include "core/proxy/rewrite.hpp"

#include "core/base64.hpp"
#include "core/http/hop_by_hop.hpp"
#include "core/http/serializer.hpp"

namespace flowscope::proxy {

namespace {

// The transfer-codings other than the final "chunked" (e.g. "gzip" of "gzip, chunked"):
// they describe the body bytes, which we forward untouched, so they must survive.
std::string codings_before_chunked(const http::Headers& headers) {
  std::string out;
  for (auto value : headers.find_all("Transfer-Encoding")) {
    for (auto coding : http::split_list(value)) {
      if (http::iequals(coding, "chunked")) continue;
      if (!out.empty()) out += ", ";
      out += coding;
    }
  }
  return out;
}

void set_framing(http::Headers& headers, OutFraming framing, std::uint64_t length, const std::string& codings) {
  if (framing == OutFraming::kAsReceived) return;
  headers.remove("Content-Length");
  headers.remove("Transfer-Encoding");
  if (framing == OutFraming::kContentLength) headers.add("Content-Length", std::to_string(length));
  if (framing == OutFraming::kChunked) headers.add("Transfer-Encoding", codings.empty() ? "chunked" : codings + ", chunked");
  if (framing == OutFraming::kUntilClose && !codings.empty()) headers.add("Transfer-Encoding", codings);
}

}  // namespace

OutFraming request_out_framing(const http::RequestHead& request) {
  switch (request.framing) {
    case http::BodyFraming::kContentLength: return OutFraming::kContentLength;
    case http::BodyFraming::kChunked: return OutFraming::kChunked;
    default: return OutFraming::kAsReceived;
  }
}

http::RequestHead make_upstream_request(const http::RequestHead& client_request, const http::AbsoluteUrl& url,
                                        bool via_proxy, const std::string& proxy_credentials) {
  http::RequestHead out;
  out.method = client_request.method;
  out.version_major = 1;
  out.version_minor = 1;
  out.headers = client_request.headers;
  const bool websocket = http::is_websocket_upgrade(client_request.headers);
  OutFraming framing = request_out_framing(client_request);
  // Framing headers are rebuilt below, so strip_hop_by_hop may drop them.
  http::strip_hop_by_hop(out.headers, websocket);
  if (framing == OutFraming::kAsReceived) framing = OutFraming::kContentLength;
  const bool has_body = client_request.framing != http::BodyFraming::kNone;
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

http::ResponseHead make_client_response(const http::ResponseHead& upstream_response, OutFraming framing,
                                        bool close_client, bool client_is_http10) {
  http::ResponseHead out;
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
    http::strip_hop_by_hop(out.headers, switching);
    if (length) out.headers.add("Content-Length", kept);
  } else {
    http::strip_hop_by_hop(out.headers, switching);
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

std::string make_connect_request(const http::Authority& target, const std::string& proxy_credentials) {
  http::RequestHead head;
  head.method = "CONNECT";
  head.target = target.to_string();
  head.headers.add("Host", head.target);
  if (!proxy_credentials.empty())
    head.headers.add("Proxy-Authorization", "Basic " + base64_encode(proxy_credentials));
  return http::serialize(head);
}

}  // namespace flowscope::proxy
