#include "session_harness.hpp"

namespace flowscope::proxy::testing {

std::vector<std::vector<std::string>> every_split(const std::string& input) {
  std::vector<std::vector<std::string>> splits;
  splits.push_back({input});
  std::vector<std::string> bytes;
  for (char c : input) bytes.emplace_back(1, c);
  splits.push_back(bytes);
  for (std::size_t i = 1; i < input.size(); ++i) splits.push_back({input.substr(0, i), input.substr(i)});
  return splits;
}

}  // namespace flowscope::proxy::testing
