#pragma once
// Replay: a recorded request sent again, from no client socket. The engine feeds a
// Session the bytes a client would have sent for it, so the replay runs the same
// path as live traffic (hooks, upstream proxy, pool, TLS and verification), and the
// new flow carries replay_of. This file turns a Flow's request into those bytes.
#include <string>

#include "core/flow/flow.hpp"
#include "core/result.hpp"

namespace flowscope::proxy {

struct ReplayPlan {
  // http: one absolute-form request. https: "CONNECT host:port", then the request in
  // origin-form as plaintext inside the tunnel (the session originates the TLS).
  std::string client_bytes;
  bool https = false;
};

// Fails, with a reason a person can act on, for what cannot be replayed as recorded:
// a blind tunnel, a URL that does not parse, a body the store kept only in part.
Result<ReplayPlan> plan_replay(const flow::Flow& original);

}  // namespace flowscope::proxy
