#include "gui/model/ca_trust.hpp"

#include <fstream>
#include <iterator>
#include <optional>
#include <string>

namespace flowscope::gui {

namespace {

std::optional<std::string> read_small_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text;
}

}  // namespace

bool ca_installed_at(const std::filesystem::path& cert_pem, const std::filesystem::path& anchor) {
  const auto installed = read_small_file(anchor);
  const auto ours = read_small_file(cert_pem);
  return installed && ours && !ours->empty() && *installed == *ours;
}

}  // namespace flowscope::gui
