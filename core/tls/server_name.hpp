#pragma once
// Whether a ClientHello's server_name can name a certificate and an origin. Some
// clients send what is not a host name: Go's TLS client sends "localhost:48687" when
// the URL has a port. Such a name is recorded as sent, and the CONNECT host is used
// in its place.
#include <string_view>

namespace flowscope::tls {

// A DNS name (letter-digit-hyphen labels, '_' allowed as real names use it, a trailing
// dot allowed) or an IPv4/IPv6 literal.
bool is_usable_server_name(std::string_view name);

}  // namespace flowscope::tls
