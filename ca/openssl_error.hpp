#pragma once
// OpenSSL reports failures on a per-thread error queue. The TLS code reads that queue through
// SSL_get_error, so every CA failure drains it here instead of leaving stale entries behind.
#include <string>

namespace flowscope::ca {

// The queued reasons, oldest first and joined with "; ", e.g. "bad decrypt". Empties the queue.
std::string take_openssl_errors();

// " (OpenSSL: <reasons>)" for the end of an error message, or "" when the queue is empty.
std::string openssl_suffix();

}  // namespace flowscope::ca
