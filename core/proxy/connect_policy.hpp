#pragma once
// The seam after "200 Connection Established": whether a CONNECT tunnel is relayed
// blind or intercepted (TLS terminated with a minted certificate).
#include <string>

namespace flowscope::proxy {

enum class TunnelMode { kBlind, kIntercept };

class ConnectPolicy {
 public:
  virtual ~ConnectPolicy() = default;
  // `sni` is empty when the ClientHello is not known yet (or carries none).
  virtual TunnelMode decide(const std::string& host, const std::string& sni) const = 0;
  // The client refused our certificate for `host`: tunnel it blind from now on.
  // Returns true when this is news, so that it is logged once.
  virtual bool remember_passthrough(const std::string&) { return false; }
};

// Used when no CA is configured: every tunnel is blind.
class BlindTunnelPolicy : public ConnectPolicy {
 public:
  TunnelMode decide(const std::string&, const std::string&) const override { return TunnelMode::kBlind; }
};

}  // namespace flowscope::proxy
