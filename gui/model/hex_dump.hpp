#pragma once
// The hex view of a body, one line at a time so the window formats only the lines it
// shows (a large body is never formatted whole).
#include <cstddef>
#include <string>
#include <string_view>

namespace flowscope::gui {

inline constexpr std::size_t kHexBytesPerLine = 16;

// The line that starts at `offset` (a multiple of 16): "00000010  48 65 6c ... |Hel...|".
// A last partial line pads the hex column so the text column stays aligned;
// bytes outside printable ASCII show as '.'.
std::string hex_dump_line(std::string_view data, std::size_t offset);

// Lines a body of `size` bytes needs (0 for an empty one).
std::size_t hex_dump_lines(std::size_t size);

}  // namespace flowscope::gui
