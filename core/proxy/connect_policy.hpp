#pragma once
// The seam after "200 Connection Established": whether a CONNECT tunnel is relayed
// blind or intercepted (TLS terminated with a minted certificate).
#include <string>

namespace flowscope::proxy {

enum class TunnelMode { kBlind, kIntercept };

// Who asks for which tunnel. `client` is the client's IP address without its port:
// passthrough learned from one client must not blind the tunnels of another.
struct TunnelQuery {
  const std::string& client;
  const std::string& host;  // the CONNECT host
  const std::string& sni;   // empty when the ClientHello is not known yet (or carries none)
};

class ConnectPolicy {
 public:
  virtual ~ConnectPolicy() = default;
  virtual TunnelMode decide(const TunnelQuery& query) const = 0;
  // The client sent an explicit certificate alert for `host` (it does not trust our
  // CA, or pins): tunnel that host blind for that client for a while. Returns true
  // when this is news, so that it is logged once.
  virtual bool remember_passthrough(const std::string& /*client*/, const std::string& /*host*/) { return false; }
};

// Used when no CA is configured: every tunnel is blind.
class BlindTunnelPolicy : public ConnectPolicy {
 public:
  TunnelMode decide(const TunnelQuery&) const override { return TunnelMode::kBlind; }
};

}  // namespace flowscope::proxy
