#include "gui/model/hex_dump.hpp"

#include <cstdio>

namespace flowscope::gui {

std::string hex_dump_line(std::string_view data, std::size_t offset) {
  std::string line;
  if (offset >= data.size()) return line;
  const std::string_view bytes = data.substr(offset, kHexBytesPerLine);
  char buffer[32];  // room for any size_t offset, which -Wformat-truncation checks
  std::snprintf(buffer, sizeof buffer, "%08zx  ", offset);
  line += buffer;
  for (std::size_t i = 0; i < kHexBytesPerLine; ++i) {
    if (i < bytes.size()) {
      std::snprintf(buffer, sizeof buffer, "%02x ", static_cast<unsigned char>(bytes[i]));
      line += buffer;
    } else {
      line += "   ";
    }
    if (i == 7) line += ' ';  // the usual gap between the two halves
  }
  line += " |";
  for (char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    line += (u >= 0x20 && u < 0x7f) ? c : '.';
  }
  line += '|';
  return line;
}

std::size_t hex_dump_lines(std::size_t size) {
  return (size + kHexBytesPerLine - 1) / kHexBytesPerLine;
}

}  // namespace flowscope::gui
