#pragma once
#include <cstddef>
#include <string_view>

#include "core/flow/flow.hpp"

namespace flowscope::flow {

// Counts `piece` into `body` and keeps it while the kept part stays within `limit`
// bytes (0: keep everything). Beyond the limit bytes are counted, not kept.
inline void append_limited(Body& body, std::string_view piece, std::size_t limit) {
  body.size += piece.size();
  if (limit == 0 || body.data.size() < limit) {
    std::size_t room = limit == 0 ? piece.size() : limit - body.data.size();
    body.data.append(piece.substr(0, room));
  }
  body.truncated = body.size > body.data.size();
}

}  // namespace flowscope::flow
