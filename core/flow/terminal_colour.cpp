#include "core/flow/terminal_colour.hpp"

namespace flowscope::flow::ansi {

std::string paint(std::string_view colour, std::string_view text) {
  std::string out;
  out.reserve(colour.size() + text.size() + kReset.size());
  out.append(colour).append(text).append(kReset);
  return out;
}

std::string_view flow_colour(const Flow& flow) {
  if (!flow.error.empty()) return kBoldRed;
  if (flow.tunnel) return kDim;
  if (!flow.response) return kDim;
  const int status = flow.response->status;
  if (status >= 500) return kRed;
  if (status >= 400) return kYellow;
  if (status >= 300) return kCyan;
  return kGreen;
}

}  // namespace flowscope::flow::ansi
