#pragma once
// The origin-facing side of TLS interception: what a flow records of the origin's
// TLS (versions, cipher, ALPN, its certificate and the verification result), and
// the refusal a failed verification becomes.
#include <string>

#include "core/flow/flow.hpp"
#include "core/tls/endpoint.hpp"

namespace flowscope::proxy {

// `endpoint` finished its handshake with the origin.
flow::Tls describe_origin_tls(const tls::Endpoint& endpoint, const std::string& sni, bool insecure);

// The 502 message for an origin whose certificate failed verification.
std::string verification_refusal(const std::string& host, const std::string& verify_result);

}  // namespace flowscope::proxy
