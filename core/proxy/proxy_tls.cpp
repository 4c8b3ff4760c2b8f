#include "core/proxy/proxy_tls.hpp"

#include "core/tls/client_hello.hpp"
#include "core/tls/server_name.hpp"

namespace flowscope::proxy {

namespace {
constexpr std::size_t kMaxHelloBytes = 64 * 1024;
}  // namespace

ProxyTls::Status ProxyTls::fail(std::string error) {
  error_ = std::move(error);
  return Status::kFailed;
}

ProxyTls::Status ProxyTls::feed(std::string_view bytes) {
  hello_.append(bytes);
  const tls::SniffResult sniffed = tls::sniff(hello_);
  if (sniffed.kind == tls::Sniffed::kNeedMore && hello_.size() <= kMaxHelloBytes) return Status::kNeedMore;
  if (sniffed.kind != tls::Sniffed::kTls) {
    return fail("the client started TLS to the proxy with something that is not a ClientHello");
  }
  const std::string& sni = sniffed.hello.sni;
  const std::string name = tls::is_usable_server_name(sni) ? sni : local_address_;
  auto leaf = interception_.certificates->leaf_for(name, nullptr);
  if (!leaf) return fail("cannot mint a certificate for the proxy itself (" + name + "): " + leaf.error().message);
  leaf_owner_ = leaf->owner;
  auto endpoint = tls::Endpoint::server(interception_.client_facing, leaf->cert, leaf->key);
  if (!endpoint) return fail(endpoint.error().message);
  endpoint_.emplace(std::move(*endpoint));
  return Status::kReady;
}

}  // namespace flowscope::proxy
