#include "core/proxy/proxy_tls.hpp"

#include "core/tls/client_hello.hpp"
#include "core/tls/server_name.hpp"

namespace flowscope::proxy {

namespace {
constexpr std::size_t kMaxHelloBytes = 64 * 1024;
}  // namespace

std::string ProxyTls::receive(std::string_view bytes) {
  if (failed()) return {};
  if (!endpoint_) {
    hello_.append(bytes);
    const tls::SniffResult sniffed = tls::sniff(hello_);
    if (sniffed.kind == tls::Sniffed::kNeedMore && hello_.size() <= kMaxHelloBytes) return {};
    if (sniffed.kind != tls::Sniffed::kTls) {
      error_ = "the client started TLS to the proxy with something that is not a ClientHello";
      return {};
    }
    const std::string& sni = sniffed.hello.sni;
    const std::string name = tls::is_usable_server_name(sni) ? sni : listen_host_;
    auto leaf = interception_.certificates->leaf_for(name, nullptr);
    if (!leaf) {
      error_ = "cannot mint a certificate for the proxy itself (" + name + "): " + leaf.error().message;
      return {};
    }
    leaf_owner_ = leaf->owner;
    auto endpoint = tls::Endpoint::server(interception_.client_facing, leaf->cert, leaf->key);
    if (!endpoint) {
      error_ = endpoint.error().message;
      return {};
    }
    endpoint_.emplace(std::move(*endpoint));
    bytes = hello_;
  }
  endpoint_->receive(bytes);
  hello_.clear();
  if (endpoint_->state() == tls::EndpointState::kFailed) {
    error_ = "TLS to the proxy failed: " + endpoint_->error();
  }
  return endpoint_->take_plaintext();
}

std::string ProxyTls::receive_eof() {
  if (!endpoint_) return {};
  endpoint_->receive_eof();
  return endpoint_->take_plaintext();
}

std::string ProxyTls::send(std::string_view plaintext) {
  if (!endpoint_ || failed()) return {};
  endpoint_->send(plaintext);
  return endpoint_->take_ciphertext();
}

std::string ProxyTls::close() {
  if (!endpoint_ || endpoint_->state() != tls::EndpointState::kEstablished) return {};
  endpoint_->close();
  return endpoint_->take_ciphertext();
}

std::string ProxyTls::take_ciphertext() { return endpoint_ ? endpoint_->take_ciphertext() : std::string(); }

}  // namespace flowscope::proxy
