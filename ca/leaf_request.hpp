#pragma once
// What a leaf certificate must name, and the canonical form that keys the leaf cache.
#include <string>
#include <string_view>
#include <vector>

#include "ca/openssl_ptr.hpp"
#include "core/result.hpp"

namespace flowscope::ca {

struct LeafRequest {
  // DNS names and IP literals (v4, v6, v6 in brackets). The first is the primary: the SNI, or
  // the CONNECT host when the client sent no SNI.
  std::vector<std::string> names;
  // Subject O copied from the upstream certificate; empty for none.
  std::string organization;
};

// A request for `primary`, plus the upstream certificate's DNS and IP SANs and subject O when
// `upstream` is given. Upstream names a leaf cannot carry (malformed ones) are skipped.
LeafRequest make_leaf_request(std::string_view primary, const X509* upstream = nullptr);

struct SubjectAltName {
  enum class Kind { kDns, kIp };
  Kind kind = Kind::kDns;
  std::string text;   // lower-case DNS name, or the IP in canonical inet_ntop form
  std::string bytes;  // IP only: 4 or 16 bytes in network order
};

struct LeafNames {
  std::vector<SubjectAltName> names;  // primary first, then the others in order, no duplicates
  std::string organization;
  // Sorted names and O: the same set gives the same key whatever the order or case.
  std::string cache_key;

  const SubjectAltName& primary() const { return names.front(); }
};

// Lower-cases DNS names, drops a trailing dot and IPv6 brackets, normalizes IPs, removes
// duplicates, and checks that each name can go in a SAN. Fails on an empty request, a
// malformed name, or an organization longer than X.509's 64 characters.
Result<LeafNames> canonicalize(const LeafRequest& request);

}  // namespace flowscope::ca
