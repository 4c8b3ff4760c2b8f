#pragma once
// Whether output goes to a person at a terminal: colour and progress bars only then.
#include <cstdio>

namespace flowscope::cli {

// A terminal, and colour not turned off by NO_COLOR (https://no-color.org) or TERM=dumb.
bool wants_colour(std::FILE* stream);
bool is_terminal(std::FILE* stream);

}  // namespace flowscope::cli
