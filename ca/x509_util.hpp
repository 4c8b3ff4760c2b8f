#pragma once
// Small X.509 steps shared by the CA certificate and the leaves.
#include <ctime>
#include <string>

#include "ca/openssl_ptr.hpp"
#include "core/result.hpp"

namespace flowscope::ca {

inline constexpr std::time_t kSecondsPerDay = 24 * 60 * 60;
// Certificates start two days in the past so clients whose clocks run slow still accept them.
inline constexpr std::time_t kBackdateSeconds = 2 * kSecondsPerDay;

// A random positive 128-bit serial, written straight into the certificate (no BIGNUM).
Result<void> set_random_serial(X509* cert);

// Seconds since the epoch for an ASN1_TIME (UTCTime or GeneralizedTime).
Result<std::time_t> to_time_t(const ASN1_TIME* time);

// "YYYY-MM-DD HH:MM:SS UTC", for messages.
std::string format_utc(std::time_t time);

// SHA-256 for RSA and EC keys; none for keys whose algorithm fixes its own digest (Ed25519).
const EVP_MD* signing_digest(EVP_PKEY* key);

// Adds an extension written in openssl.cnf syntax ("critical,CA:TRUE").
Result<void> add_extension(X509* cert, X509V3_CTX* context, int nid, const char* value);

}  // namespace flowscope::ca
