#pragma once
// The seam after "200 Connection Established": whether a CONNECT tunnel is relayed
// blind or intercepted (TLS terminated with a minted certificate). Interception
// plugs in here; until it exists every tunnel is blind.
#include "core/http/target.hpp"

namespace flowscope::proxy {

enum class TunnelMode { kBlind, kIntercept };

class ConnectPolicy {
 public:
  virtual ~ConnectPolicy() = default;
  virtual TunnelMode decide(const http::Authority& target) const = 0;
};

class BlindTunnelPolicy : public ConnectPolicy {
 public:
  TunnelMode decide(const http::Authority&) const override { return TunnelMode::kBlind; }
};

}  // namespace flowscope::proxy
