#include "cli/node_preload.hpp"

#include <fstream>

namespace flowscope::cli {

namespace fs = std::filesystem;

Result<fs::path> write_node_preload(const fs::path& dir) {
  fs::path path = dir / "node-preload.js";
  const std::string_view source = node_preload_source();
  std::ofstream out(path, std::ios::binary);
  out.write(source.data(), static_cast<std::streamsize>(source.size()));
  if (!out) return fail("cannot write " + path.string());
  return path;
}

std::string node_options_with_preload(std::string_view existing, const fs::path& preload) {
  std::string quoted = "\"";
  for (char c : preload.string()) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  quoted += '"';
  std::string options(existing);
  if (!options.empty()) options += ' ';
  return options + "--require " + quoted;
}

}  // namespace flowscope::cli
