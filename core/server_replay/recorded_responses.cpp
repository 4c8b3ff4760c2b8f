#include "core/server_replay/recorded_responses.hpp"

#include <algorithm>
#include <utility>

#include "core/server_replay/recorded_answer.hpp"
#include "core/server_replay/request_key.hpp"

namespace flowscope::server_replay {

namespace {

bool servable(const flow::Flow& flow) {
  return flow.scheme != "tunnel" && flow.response && flow.response->status >= 200 && flow.response->status != 101 &&
         !flow.websocket;
}

}  // namespace

RecordedResponses::RecordedResponses(std::vector<flow::Flow> flows, MatchRules rules) : rules_(std::move(rules)) {
  std::size_t order = 0;
  for (flow::Flow& flow : flows) {
    if (!servable(flow)) {
      ++left_out_;
      continue;
    }
    std::vector<Group>& groups = by_key_[request_key(flow.request, rules_)];
    BodyShape body = rules_.ignore_body ? BodyShape{} : body_shape(flow.request, rules_);
    auto group = std::find_if(groups.begin(), groups.end(), [&](const Group& g) { return same_body(g.body, body); });
    if (group == groups.end()) {
      groups.push_back(Group{order++, flow.request.method + " " + flow.request.url, std::move(body), {}, 0});
      group = std::prev(groups.end());
      ++groups_;
    }
    if (flow.response->body.truncated) ++truncated_;
    group->responses.push_back(Response{flow.id, recorded_answer(*flow.response)});
    ++responses_;
  }
}

std::optional<Served> RecordedResponses::next_for(const flow::Request& request, bool body_known) {
  auto found = by_key_.find(request_key(request, rules_));
  if (found == by_key_.end()) return std::nullopt;
  std::vector<Group>& groups = found->second;
  auto group = groups.begin();
  if (body_known && !rules_.ignore_body) {
    const BodyShape body = body_shape(request, rules_);
    group = std::find_if(groups.begin(), groups.end(), [&](const Group& g) { return same_body(g.body, body); });
    if (group == groups.end()) return std::nullopt;
  }
  std::size_t index = 0;
  {
    std::lock_guard lock(mutex_);
    index = std::min(group->served, group->responses.size() - 1);
    ++group->served;
  }
  const Response& response = group->responses[index];
  return Served{response.answer, response.recorded_id, index + 1, group->responses.size()};
}

std::size_t RecordedResponses::with_other_bodies(const flow::Request& request) const {
  auto found = by_key_.find(request_key(request, rules_));
  return found == by_key_.end() ? 0 : found->second.size();
}

std::vector<std::string> RecordedResponses::never_asked() const {
  std::vector<std::pair<std::size_t, std::string>> unasked;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, groups] : by_key_) {
      for (const Group& group : groups) {
        if (group.served == 0) unasked.emplace_back(group.order, group.description);
      }
    }
  }
  std::sort(unasked.begin(), unasked.end());
  std::vector<std::string> out;
  for (auto& [order, description] : unasked) out.push_back(std::move(description));
  return out;
}

}  // namespace flowscope::server_replay
