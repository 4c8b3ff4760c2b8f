#include "core/flow/flow_tally.hpp"

#include "core/http/target.hpp"

namespace flowscope::flow {

namespace {

std::string host_of(const Flow& flow) {
  if (flow.tunnel) return flow.tunnel->host;
  auto url = http::parse_absolute_url(flow.request.url);
  return url ? url->authority.host : std::string();
}

std::string counted(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

void FlowTally::on_flow(const Flow& flow) {
  std::string host = host_of(flow);
  std::lock_guard lock(mutex_);
  ++flows_;
  if (!flow.error.empty()) ++failed_;
  if (!host.empty()) hosts_.insert(std::move(host));
}

std::size_t FlowTally::flows() const {
  std::lock_guard lock(mutex_);
  return flows_;
}

std::size_t FlowTally::hosts() const {
  std::lock_guard lock(mutex_);
  return hosts_.size();
}

std::size_t FlowTally::failed() const {
  std::lock_guard lock(mutex_);
  return failed_;
}

std::string FlowTally::summary() const {
  std::lock_guard lock(mutex_);
  if (flows_ == 0) return "no flows";
  std::string out = counted(flows_, "flow", "flows") + " to " + counted(hosts_.size(), "host", "hosts");
  if (failed_ > 0) out += ", " + std::to_string(failed_) + " failed";
  return out;
}

}  // namespace flowscope::flow
