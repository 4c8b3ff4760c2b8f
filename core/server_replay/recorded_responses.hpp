#pragma once
// The recording as server replay serves it: recorded flows grouped by request (the key
// of request_key.hpp, then the body), each group with its responses in recorded order.
// Asking for a group's next response walks that order; after the last, the last
// repeats. Safe to ask from every worker thread at once.
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/flow/flow.hpp"
#include "core/proxy/hooks.hpp"
#include "core/server_replay/body_shape.hpp"
#include "core/server_replay/match_rules.hpp"

namespace flowscope::server_replay {

struct Served {
  proxy::LocalResponse answer;
  std::string recorded_id;     // the flow the answer comes from
  std::size_t occurrence = 0;  // 1-based: which of the group's recorded responses
  std::size_t recorded = 0;    // how many the group has
};

class RecordedResponses {
 public:
  // Flows that have no response to give are left out and counted: blind tunnels,
  // WebSocket upgrades (101) and exchanges that failed before a response.
  RecordedResponses(std::vector<flow::Flow> flows, MatchRules rules);

  // The next response for `request`; nullopt when nothing recorded matches. With
  // `body_known` false (the body has not been read yet) the body takes no part.
  std::optional<Served> next_for(const flow::Request& request, bool body_known = true);
  // How many recorded requests have the method and URL (and headers) of `request` but
  // another body: a near miss worth naming in the 502.
  std::size_t with_other_bodies(const flow::Request& request) const;

  const MatchRules& rules() const { return rules_; }
  std::size_t responses() const { return responses_; }   // servable recorded flows
  std::size_t requests() const { return groups_; }       // distinct recorded requests
  std::size_t left_out() const { return left_out_; }
  std::size_t truncated() const { return truncated_; }   // responses the body limit cut
  // "GET https://…" of each recorded request never asked for, in recorded order.
  std::vector<std::string> never_asked() const;

 private:
  struct Response {
    std::string recorded_id;
    proxy::LocalResponse answer;
  };
  struct Group {
    std::size_t order = 0;  // position of its first flow in the recording
    std::string description;  // "METHOD URL" of its first flow
    BodyShape body;
    std::vector<Response> responses;
    std::size_t served = 0;  // guarded by mutex_
  };

  MatchRules rules_;
  std::unordered_map<std::string, std::vector<Group>> by_key_;
  std::size_t responses_ = 0;
  std::size_t groups_ = 0;
  std::size_t left_out_ = 0;
  std::size_t truncated_ = 0;
  mutable std::mutex mutex_;
};

}  // namespace flowscope::server_replay
