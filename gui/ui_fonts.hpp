#pragma once
// The two faces every panel draws with: DejaVu Sans for the interface and DejaVu Sans
// Mono for bodies, hex and headers (loaded in gui/main.cpp, scaled for high DPI).
#include <imgui.h>

namespace flowscope::gui {

struct UiFonts {
  ImFont* text = nullptr;
  ImFont* mono = nullptr;
};

}  // namespace flowscope::gui
