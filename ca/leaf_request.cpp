#include "ca/leaf_request.hpp"

#include <arpa/inet.h>

#include <algorithm>

namespace flowscope::ca {

namespace {

constexpr std::size_t kMaxDnsName = 253;
constexpr std::size_t kMaxLabel = 63;
constexpr std::size_t kMaxOrganization = 64;  // ub-organization-name, RFC 5280 appendix A

bool parse_ip(std::string_view text, SubjectAltName& out) {
  if (text.size() > 2 && text.front() == '[' && text.back() == ']')
    text = text.substr(1, text.size() - 2);
  if (text.size() > INET6_ADDRSTRLEN) return false;
  const std::string copy(text);
  unsigned char bytes[16];
  char canonical[INET6_ADDRSTRLEN];
  for (int family : {AF_INET, AF_INET6}) {
    if (inet_pton(family, copy.c_str(), bytes) != 1) continue;
    const std::size_t size = family == AF_INET ? 4 : 16;
    inet_ntop(family, bytes, canonical, sizeof canonical);
    out = SubjectAltName{SubjectAltName::Kind::kIp, canonical,
                         std::string(reinterpret_cast<const char*>(bytes), size)};
    return true;
  }
  return false;
}

// LDH labels, plus '_' (seen in real host names) and a leading "*" label (upstream wildcards).
bool parse_dns(std::string_view text, SubjectAltName& out) {
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  if (text.empty() || text.size() > kMaxDnsName) return false;
  std::string lower;
  lower.reserve(text.size());
  std::size_t label = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      lower.push_back(c);
      continue;
    }
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const bool plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    const bool wildcard = c == '*' && i == 0 && (text.size() == 1 || text[1] == '.');
    if (!plain && !wildcard) return false;
    if (++label > kMaxLabel) return false;
    lower.push_back(c);
  }
  if (label == 0 || lower == "*") return false;
  out = SubjectAltName{SubjectAltName::Kind::kDns, std::move(lower), {}};
  return true;
}

bool parse_name(std::string_view text, SubjectAltName& out) {
  return parse_ip(text, out) || parse_dns(text, out);
}

std::string ip_text(const ASN1_OCTET_STRING* ip) {
  const int size = ASN1_STRING_length(ip);
  if (size != 4 && size != 16) return {};
  char text[INET6_ADDRSTRLEN];
  if (!inet_ntop(size == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(ip), text, sizeof text))
    return {};
  return text;
}

std::string organization_of(const X509* cert) {
  const X509_NAME* subject = X509_get_subject_name(cert);
  const int index = X509_NAME_get_index_by_NID(subject, NID_organizationName, -1);
  if (index < 0) return {};
  const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
  unsigned char* utf8 = nullptr;
  const int size = ASN1_STRING_to_UTF8(&utf8, data);
  if (size < 0) return {};
  std::string out(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(size));
  OPENSSL_free(utf8);
  return out.size() <= kMaxOrganization ? out : std::string();
}

}  // namespace

LeafRequest make_leaf_request(std::string_view primary, const X509* upstream) {
  LeafRequest request{{std::string(primary)}, {}};
  if (!upstream) return request;
  GeneralNamesPtr sans(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(upstream, NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; sans && i < sk_GENERAL_NAME_num(sans.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(sans.get(), i);
    std::string text;
    if (name->type == GEN_DNS) {
      const ASN1_IA5STRING* dns = name->d.dNSName;
      text.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                  static_cast<std::size_t>(ASN1_STRING_length(dns)));
    } else if (name->type == GEN_IPADD) {
      text = ip_text(name->d.iPAddress);
    }
    SubjectAltName parsed;
    if (!text.empty() && parse_name(text, parsed)) request.names.push_back(std::move(text));
  }
  request.organization = organization_of(upstream);
  return request;
}

Result<LeafNames> canonicalize(const LeafRequest& request) {
  if (request.names.empty()) return fail("a leaf certificate needs at least one name");
  if (request.organization.size() > kMaxOrganization)
    return fail("organization '" + request.organization + "' is longer than 64 characters");
  LeafNames out;
  out.names.reserve(request.names.size());
  for (const std::string& name : request.names) {
    SubjectAltName parsed;
    if (!parse_name(name, parsed))
      return fail("'" + name + "' is neither a DNS name nor an IP address");
    const bool seen = std::any_of(out.names.begin(), out.names.end(), [&](const auto& other) {
      return other.kind == parsed.kind && other.text == parsed.text;
    });
    if (!seen) out.names.push_back(std::move(parsed));
  }
  out.organization = request.organization;

  // Neither ',' nor '|' can occur in a name, so the key is unambiguous.
  std::vector<std::string_view> sorted;
  sorted.reserve(out.names.size());
  std::size_t size = out.organization.size() + 1;
  for (const auto& name : out.names) {
    sorted.push_back(name.text);
    size += name.text.size() + 1;
  }
  std::sort(sorted.begin(), sorted.end());
  out.cache_key.reserve(size);
  for (std::string_view name : sorted) {
    out.cache_key.append(name);
    out.cache_key.push_back(',');
  }
  out.cache_key.push_back('|');
  out.cache_key.append(out.organization);
  return out;
}

}  // namespace flowscope::ca
