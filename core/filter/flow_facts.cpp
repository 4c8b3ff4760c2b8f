#include "core/filter/flow_facts.hpp"

#include "core/flow/content_decoding.hpp"

namespace flowscope::filter {

std::string_view url_host(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  auto authority = url.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  return address_ip(authority);
}

std::string_view flow_host(const flow::Flow& flow) {
  if (flow.tunnel && !flow.tunnel->host.empty()) return flow.tunnel->host;
  return url_host(flow.request.url);
}

std::string_view address_ip(std::string_view address) {
  if (address.starts_with('[')) {
    auto close = address.find(']');
    return close == std::string_view::npos ? address.substr(1) : address.substr(1, close - 1);
  }
  auto colon = address.find(':');
  // More than one colon without brackets is a bare IPv6 address, not host:port.
  if (colon == std::string_view::npos || address.find(':', colon + 1) != std::string_view::npos) return address;
  return address.substr(0, colon);
}

double total_duration_ms(const flow::Flow& flow) {
  if (flow.tunnel) return flow.tunnel->duration_ms;
  const auto& t = flow.timings;
  double total = 0;
  for (double phase : {t.dns, t.connect, t.tls, t.send, t.wait, t.receive})
    if (phase > 0) total += phase;
  return total;
}

std::uint64_t total_body_size(const flow::Flow& flow) {
  return flow.request.body.size + (flow.response ? flow.response->body.size : 0);
}

std::string_view decoded_body(const flow::Body& body, const http::Headers& headers, std::string& scratch) {
  auto codings = headers.find_all("Content-Encoding");
  if (codings.empty() || body.data.empty()) return body.data;
  std::string joined;
  for (auto coding : codings) {
    if (!joined.empty()) joined += ", ";
    joined += coding;
  }
  auto decoded = flow::decode_content(body.data, joined);
  if (!decoded) return body.data;
  scratch = std::move(*decoded);
  return scratch;
}

}  // namespace flowscope::filter
