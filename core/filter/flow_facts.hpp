#pragma once
// The derived facts of a flow that filter terms test: its host, the client's IP, its
// duration, its body sizes, its decoded bodies.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/flow/flow.hpp"

namespace flowscope::filter {

// The host of an absolute URL, without userinfo, port or IPv6 brackets:
// "https://u@[::1]:8443/x" -> "::1". Empty when there is none.
std::string_view url_host(std::string_view url);

// The CONNECT host for a tunnel, else the URL's host.
std::string_view flow_host(const flow::Flow& flow);

// "10.0.0.7:5123" -> "10.0.0.7", "[::1]:5123" -> "::1"; an address without a port is
// returned whole.
std::string_view address_ip(std::string_view address);

// Milliseconds: a tunnel's duration, or the sum of the timings that happened (HAR's
// -1 means "did not happen" and counts as nothing).
double total_duration_ms(const flow::Flow& flow);

// Request plus response body bytes as seen on the wire (`size`, so a truncated body
// counts whole).
std::uint64_t total_body_size(const flow::Flow& flow);

// The body as the application sent it: Content-Encoding (gzip, br, zstd, deflate)
// undone, into `scratch` when there was one to undo. A body that cannot be decoded
// (an unknown coding, or cut short by the body limit) is returned as recorded, so a
// search still sees its bytes.
std::string_view decoded_body(const flow::Body& body, const http::Headers& headers, std::string& scratch);

}  // namespace flowscope::filter
