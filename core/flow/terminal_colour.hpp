#pragma once
// ANSI colours for flow lines on a terminal: by status class (2xx green, 3xx cyan,
// 4xx yellow, 5xx red), failures bold red, tunnels dim. Callers decide whether the
// output is a terminal; nothing here looks at file descriptors.
#include <string>
#include <string_view>

#include "core/flow/flow.hpp"

namespace flowscope::flow::ansi {

inline constexpr std::string_view kReset = "\x1b[0m";
inline constexpr std::string_view kBold = "\x1b[1m";
inline constexpr std::string_view kDim = "\x1b[2m";
inline constexpr std::string_view kRed = "\x1b[31m";
inline constexpr std::string_view kGreen = "\x1b[32m";
inline constexpr std::string_view kYellow = "\x1b[33m";
inline constexpr std::string_view kCyan = "\x1b[36m";
inline constexpr std::string_view kBoldRed = "\x1b[1;31m";

// `text` between `colour` and a reset.
std::string paint(std::string_view colour, std::string_view text);

// The colour of a flow's line: its status class, a failure, or a tunnel.
std::string_view flow_colour(const Flow& flow);

}  // namespace flowscope::flow::ansi
